using System.Reflection;
using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.Configuration;

namespace Horde.Net.Cluster.Hosting;

/// <summary>What <see cref="HordeBuilder"/> collected in code; an options class, so every AddHorde call adds to one.</summary>
internal sealed class HordeSetup
{
    /// <summary>The configuration section the options came from, for the topologies and for naming keys in errors.</summary>
    public Func<IServiceProvider, IConfigurationSection?> Section { get; set; } = _ => null;

    public List<Action<MessageTypeRegistry>> MessageTypes { get; } = [];

    public List<Assembly> MessageAssemblies { get; } = [];

    public List<Action<NodeOptions>> NodeConfigurations { get; } = [];

    public List<Func<IServiceProvider, IMembershipStrategy>> Topologies { get; } = [];

    public List<Func<IServiceProvider, Node, CancellationToken, Task>> Started { get; } = [];

    public List<ReadinessGate> ReadinessGates { get; } = [];
}
