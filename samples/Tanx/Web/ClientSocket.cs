using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Horde.Net.Cluster;
using Horde.Net.Registry;

namespace Tanx.Web;

/// <summary>Serves one client's WebSocket: reads requests, runs each as it comes (several may be in flight), writes the answers.</summary>
public static class ClientSocket
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(HttpContext context, ClientRequests requests, Node node, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        if (node.State != NodeState.Running)
        {
            // A draining node takes no new clients: they reconnect through the load balancer to another node.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var logger = loggers.CreateLogger(typeof(ClientSocket));
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var sending = new SemaphoreSlim(1);
        // The socket closes when the host starts stopping: Kestrel stops before Horde.Net's drain and waits for open
        // requests, so a socket left open would eat the drain's time. The client reconnects to another node at once.
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var stopping = closing.Token;
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                buffer.Clear();
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.GetMemory(4096), stopping);
                    buffer.Advance(received.Count);
                }
                while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                var request = JsonSerializer.Deserialize<ClientRequest>(buffer.WrittenSpan, Json);
                if (request is not null)
                    _ = AnswerAsync(socket, sending, requests, request, logger, stopping);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away or the node stops: the client reconnects.
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "node stopping", bounded.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task AnswerAsync(WebSocket socket, SemaphoreSlim sending, ClientRequests requests, ClientRequest request, ILogger logger, CancellationToken stopping)
    {
        ClientReply reply;
        try
        {
            reply = new ClientReply(request.Id, true, await requests.RunAsync(request));
        }
        catch (NameNotRegisteredException)
        {
            reply = new ClientReply(request.Id, false, Error: "no such game");
        }
        catch (Exception e) when (e is ArgumentException or TimeoutException or ProcessExitedException or InvalidOperationException)
        {
            logger.LogInformation("Request {Op} failed: {Error}", request.Op, e.Message);
            reply = new ClientReply(request.Id, false, Error: e.Message);
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(reply, Json);
        try
        {
            await sending.WaitAsync(stopping);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, stopping);
            }
            finally
            {
                sending.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
