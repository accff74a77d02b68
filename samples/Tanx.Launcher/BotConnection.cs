using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tanx.Launcher;

/// <summary>The Tanx protocol over a WebSocket from C#, as the browser speaks it: requests answered by id, several in flight.</summary>
public sealed class BotConnection : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly SemaphoreSlim _sending = new(1);
    private readonly CancellationTokenSource _closing = new();
    private Task _reading = Task.CompletedTask;
    private int _nextId;

    private BotConnection()
    {
    }

    public bool IsOpen => _socket.State == WebSocketState.Open && !_reading.IsCompleted;

    public static async Task<BotConnection> ConnectAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var connection = new BotConnection();
        var ws = new UriBuilder(baseUrl) { Scheme = baseUrl.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        try
        {
            await connection._socket.ConnectAsync(ws, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        connection._reading = connection.ReadAsync();
        return connection;
    }

    /// <summary>Sends one request and returns its result.</summary>
    /// <exception cref="BotRequestException">The server answered with an error.</exception>
    /// <exception cref="WebSocketException">The connection is gone.</exception>
    public async Task<JsonNode?> RequestAsync(string op, object? args = null, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = args is null ? new JsonObject() : JsonSerializer.SerializeToNode(args, Json)!.AsObject();
        request["id"] = id;
        request["op"] = op;
        var answer = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request, Json), WebSocketMessageType.Text, true, cancellationToken);
        }
        catch
        {
            _pending.TryRemove(id, out _);
            throw;
        }
        finally
        {
            _sending.Release();
        }
        if (_reading.IsCompleted)
            answer.TrySetException(new WebSocketException("the connection closed"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var registration = timeout.Token.Register(() => answer.TrySetException(new TimeoutException($"no answer to {op}")));
        return await answer.Task;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var message = new MemoryStream();
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer.AsMemory(), _closing.Token);
                    message.Write(buffer, 0, received.Count);
                }
                while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                var reply = JsonNode.Parse(message.ToArray())!;
                if (_pending.TryRemove(reply["id"]!.GetValue<int>(), out var answer))
                {
                    if (reply["ok"]!.GetValue<bool>())
                        answer.TrySetResult(reply["result"]);
                    else
                        answer.TrySetException(new BotRequestException(reply["error"]?.GetValue<string>() ?? "error"));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var answer))
                answer.TrySetException(new WebSocketException("the connection closed"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            await _reading;
        }
        finally
        {
            _socket.Dispose();
            _sending.Dispose();
            _closing.Dispose();
        }
    }
}

/// <summary>The server refused a request (the message says why).</summary>
public sealed class BotRequestException(string message) : Exception(message);
