using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Horde.Net.TestKit;

/// <summary>
/// An HTTP server on loopback that answers like the Kubernetes API server: the test sets, per path,
/// a status code and a JSON body in the API's own shapes, and reads back every request it received.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentDictionary<string, (int Status, string Json)> _responses = new();
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly Task _serving;

    public sealed record Request(string Path, string? LabelSelector, string? Authorization);

    private FakeKubernetesApi(HttpListener listener, string url)
    {
        _listener = listener;
        Url = url;
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public IReadOnlyList<Request> Requests => [.. _requests];

    public static FakeKubernetesApi Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var url = $"http://127.0.0.1:{port}/";
            var listener = new HttpListener();
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return new FakeKubernetesApi(listener, url.TrimEnd('/'));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public void Respond(string path, int status, string json) => _responses[path] = (status, json);

    /// <summary>A Status object as the API server sends with an error.</summary>
    public static string Status(int code, string reason, string message) =>
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""";

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            _requests.Enqueue(new Request(path, context.Request.QueryString["labelSelector"], context.Request.Headers["Authorization"]));
            var (status, json) = _responses.TryGetValue(path, out var response)
                ? response
                : (404, Status(404, "NotFound", $"the server could not find the requested resource {path}"));
            var body = Encoding.UTF8.GetBytes(json);
            try
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
            {
                return; // stopped (or the client gave up) while answering: the test is over
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
