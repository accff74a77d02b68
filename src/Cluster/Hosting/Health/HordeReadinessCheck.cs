using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// Ready when the node runs, has joined as its topologies say, and every readiness gate of the layers above has held
/// (a replica's first sync). Once ready it stays so until the host stops or the node drains: from SIGTERM on it is
/// unready, before any handoff, so that a load balancer stops sending requests while the node hands its work off.
/// </summary>
internal sealed class HordeReadinessCheck(
    IServiceProvider services, Node node, ClusterMembership membership, IOptions<HordeSetup> setup, IHostApplicationLifetime? lifetime = null) : IHealthCheck
{
    private volatile bool _started;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        var data = new Dictionary<string, object> { ["node"] = node.Name.ToString(), ["state"] = node.State.ToString() };
        if (node.State == NodeState.Leaving || lifetime?.ApplicationStopping.IsCancellationRequested == true)
            return HealthCheckResult.Unhealthy($"node {node.Name} is draining", data: data);
        if (node.State != NodeState.Running)
            return HealthCheckResult.Unhealthy($"node {node.Name} is {node.State}", data: data);
        if (!_started && WaitingFor() is { } waiting)
            return HealthCheckResult.Unhealthy($"node {node.Name} is starting: waiting for {waiting}", data: data);
        _started = true;
        data["members"] = membership.Members.Count;
        return HealthCheckResult.Healthy($"node {node.Name} is running", data);
    }

    /// <summary>What the first ready still waits for, or null: joining, then each gate.</summary>
    private string? WaitingFor()
    {
        if (!membership.Joined.IsCompleted)
            return $"membership to join its topologies (listed: {string.Join(", ", membership.ListedPeers)})";
        var pending = setup.Value.ReadinessGates
            .Select(gate => gate.WaitingFor(services) is { } waiting ? $"{gate.Name}: {waiting}" : null)
            .OfType<string>()
            .ToList();
        return pending.Count == 0 ? null : string.Join("; ", pending);
    }
}
