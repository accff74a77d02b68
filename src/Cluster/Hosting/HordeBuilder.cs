using System.Reflection;
using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.DependencyInjection;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// Configures Horde.Net in code, next to what configuration gives: message types, topologies, and hooks for the
/// layers above (registry, supervisor), which add their services to <see cref="Services"/> and start their work in
/// <see cref="OnNodeStarted"/>.
/// </summary>
public sealed class HordeBuilder
{
    internal HordeBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services, for layers that add their own.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Changes the options after configuration has been bound.</summary>
    public HordeBuilder Configure(Action<HordeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Changes the node's options last, after they were made from <see cref="HordeOptions"/>: for what configuration
    /// cannot hold, such as a <see cref="NodeTlsOptions.ValidatePeer"/> callback.
    /// </summary>
    public HordeBuilder ConfigureNode(Action<NodeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Setup(setup => setup.NodeConfigurations.Add(configure));
    }

    /// <summary>Registers the types that may cross the network: <c>horde.MessageTypes(types => types.Add&lt;Order&gt;())</c>.</summary>
    public HordeBuilder MessageTypes(Action<MessageTypeRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        return Setup(setup => setup.MessageTypes.Add(register));
    }

    /// <summary>Registers every <c>[MessagePackObject]</c> type of <paramref name="assembly"/> as a message type.</summary>
    public HordeBuilder AddMessageTypesFrom(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Setup(setup => setup.MessageAssemblies.Add(assembly));
    }

    /// <summary>Adds a topology made in code, beside those of <c>Horde:Membership:Topologies</c>.</summary>
    public HordeBuilder AddTopology(Func<IServiceProvider, IMembershipStrategy> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return Setup(setup => setup.Topologies.Add(create));
    }

    /// <summary>
    /// Runs <paramref name="started"/> when the host starts, once the node listens and its membership runs, in
    /// registration order; a hook that throws fails the start. To hand work off when the node stops, register a
    /// drain hook there with <see cref="Node.OnDrain"/>.
    /// </summary>
    public HordeBuilder OnNodeStarted(Func<IServiceProvider, Node, CancellationToken, Task> started)
    {
        ArgumentNullException.ThrowIfNull(started);
        return Setup(setup => setup.Started.Add(started));
    }

    /// <summary>
    /// Adds a condition the readiness check (<c>/health/ready</c>) waits for before the node first reports ready, besides
    /// the node running and having joined its topologies: the layers above add theirs (a registry's first sync).
    /// <paramref name="waitingFor"/> returns null once the condition holds, else what it still waits for; once every
    /// gate has held together the node stays ready until it drains.
    /// </summary>
    public HordeBuilder AddReadinessGate(string name, Func<IServiceProvider, string?> waitingFor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(waitingFor);
        return Setup(setup => setup.ReadinessGates.Add(new ReadinessGate(name, waitingFor)));
    }

    private HordeBuilder Setup(Action<HordeSetup> change)
    {
        Services.Configure(change);
        return this;
    }
}
