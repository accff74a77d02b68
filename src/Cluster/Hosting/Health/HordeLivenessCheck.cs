using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// Live while the node has not stopped: draining is alive (a liveness probe must not kill a node that hands its work
/// off). A node stopped while its host runs on is dead, and an orchestrator should restart the process.
/// </summary>
internal sealed class HordeLivenessCheck(Node node) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["node"] = node.Name.ToString(), ["state"] = node.State.ToString(), ["processes"] = node.ProcessCount };
        return Task.FromResult(node.State == NodeState.Stopped
            ? HealthCheckResult.Unhealthy($"node {node.Name} has stopped", data: data)
            : HealthCheckResult.Healthy($"node {node.Name} is {node.State}", data));
    }
}
