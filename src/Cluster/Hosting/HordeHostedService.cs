using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// Runs the node with the host: on start it listens, starts membership and runs the started hooks; on stop
/// (<c>ApplicationStopping</c>, e.g. SIGTERM) it stops membership and drains the node within the host's shutdown
/// timeout, logging what did not finish. The drain runs in the host's stopping phase, before any hosted service
/// stops: the web server still serves while the node hands its work off (calls wait for the moved children, the
/// readiness endpoint answers 503).
/// </summary>
internal sealed class HordeHostedService(IServiceProvider services, ILogger<HordeHostedService> logger) : IHostedLifecycleService
{
    private Node? _node;
    private ClusterMembership? _membership;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not in the constructor, so that invalid configuration fails the start with its own message.
        var node = services.GetRequiredService<Node>();
        var membership = services.GetRequiredService<ClusterMembership>();
        var setup = services.GetRequiredService<IOptions<HordeSetup>>().Value;
        try
        {
            await node.ListenAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw PortInUse(node, HordeKeys.Prefix(setup, services), e);
        }
        _node = node;
        await membership.StartAsync(cancellationToken);
        _membership = membership;
        foreach (var started in setup.Started)
            await started(services, node, cancellationToken);
        logger.LogInformation("Horde node {Node} is running.", node.Name);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    /// <summary>The drain ran in <see cref="StoppingAsync"/>; a host that skips that phase still drains here.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_membership is { } membership)
            await membership.StopAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_node is not { } node)
            return;
        var stop = node.StopAsync(cancellationToken);
        try
        {
            await stop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                "Node {Node} did not finish stopping within HostOptions.ShutdownTimeout: it is {State}, with {Processes} processes left and connected to [{Peers}].",
                node.Name, node.State, node.ProcessCount, string.Join(", ", node.ConnectedNodes));
        }
    }

    private static HordeConfigurationException PortInUse(Node node, string prefix, IOException e)
    {
        var port = node.Options.ListenPort ?? node.Name.Port;
        var key = node.Options.ListenPort is null ? $"{prefix}:{nameof(HordeOptions.Name)}" : $"{prefix}:{nameof(HordeOptions.ListenPort)}";
        var address = node.Options.ListenAddress?.ToString() ?? node.Name.Host;
        return new HordeConfigurationException(key, $"node {node.Name} cannot listen on port {port} of {address}: {e.Message}", e);
    }
}
