using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;

namespace ExCluster;

/// <summary>
/// Kubernetes probes: <c>/health/live</c> while the process serves, <c>/health/ready</c> while the node runs (not
/// starting, not draining).
/// </summary>
public static class Health
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok("live"));
        app.MapGet("/health/ready", (IHorde horde) => horde.Node.State == NodeState.Running
            ? Results.Ok("ready")
            : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: $"The node is {horde.Node.State}."));
    }
}
