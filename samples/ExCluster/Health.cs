using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Supervisor.Hosting;

namespace ExCluster;

/// <summary>
/// Kubernetes probes until the library maps its own: <c>/health/live</c> while the process serves; <c>/health/ready</c>
/// while the node runs (not starting, not draining) and, once it has peers, its orders registry has synced with them,
/// so that a new node knows every order before it takes requests.
/// </summary>
public static class Health
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok("live"));
        app.MapGet("/health/ready", (IHorde horde) => WaitingFor(horde) is { } waiting
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: waiting)
            : Results.Ok("ready"));
    }

    private static string? WaitingFor(IHorde horde)
    {
        if (horde.Node.State != NodeState.Running)
            return $"The node is {horde.Node.State}.";
        var orders = horde.Supervisor("orders");
        return orders.Registry.HasSynced || horde.Node.ConnectedNodes.Count == 0 ? null : "The orders have not synced with the other nodes yet.";
    }
}
