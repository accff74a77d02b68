using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Horde.Net.Cluster.Hosting;

/// <summary>The dashboard's routes: the page and its script and style (embedded in the assembly), the state as JSON, and a stream of it as server-sent events.</summary>
internal static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan PushInterval = TimeSpan.FromSeconds(1);

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string path)
    {
        var group = endpoints.MapGroup(path.TrimEnd('/'));
        // The page's links are relative: it is served at path/, and path alone redirects there.
        group.MapGet("", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? Asset(context, "index.html", "text/html; charset=utf-8")
            : Redirect(context));
        group.MapGet("/dashboard.js", (HttpContext context) => Asset(context, "dashboard.js", "text/javascript; charset=utf-8"));
        group.MapGet("/dashboard.css", (HttpContext context) => Asset(context, "dashboard.css", "text/css; charset=utf-8"));
        group.MapGet("/state", (HordeDashboard dashboard) => Results.Json(dashboard.Current(), Json));
        group.MapGet("/events", StreamAsync);
        return group;
    }

    private static Task Redirect(HttpContext context)
    {
        context.Response.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
        return Task.CompletedTask;
    }

    private static async Task Asset(HttpContext context, string name, string contentType)
    {
        await using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Horde.Net.Cluster.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is not embedded.");
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>
    /// The state once a second as server-sent events, until the page goes away or the node has stopped: the drain
    /// runs before the web server stops, so the page shows it, and then the stream ends so the server can stop.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, HordeDashboard dashboard, Node node)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        using var timer = new PeriodicTimer(PushInterval);
        try
        {
            do
            {
                await context.Response.WriteAsync("data: ", aborted);
                await JsonSerializer.SerializeAsync(context.Response.Body, dashboard.Current(), Json, aborted);
                await context.Response.WriteAsync("\n\n", aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
            while (node.State != NodeState.Stopped && await timer.WaitForNextTickAsync(aborted));
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // the page closed, or the host stopped
        }
    }
}
