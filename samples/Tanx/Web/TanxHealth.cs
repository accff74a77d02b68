using Horde.Net.Cluster;
using Horde.Net.Supervisor.Hosting;
using Tanx.Games;

namespace Tanx.Web;

/// <summary>
/// Liveness and readiness, mapped from the node's state until Horde.Net's own health checks are in: live while the
/// process serves; ready while the node runs (not while it drains) and its supervisor has started.
/// </summary>
public static class TanxHealth
{
    public static void MapTanxHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Text("live"));
        app.MapGet("/health/ready", (Node node, IHordeSupervisors supervisors) =>
        {
            if (node.State != NodeState.Running)
                return Results.Text($"node {node.State}", statusCode: StatusCodes.Status503ServiceUnavailable);
            try
            {
                supervisors.Get(GameDirectory.SupervisorName);
            }
            catch (InvalidOperationException)
            {
                return Results.Text("supervisor not started", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            return Results.Text("ready");
        });
    }
}
