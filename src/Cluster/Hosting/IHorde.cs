using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// Horde.Net in a host: the node and its membership, resolved from DI. The layers above add to it with extension
/// methods (a registry, a supervisor).
/// </summary>
public interface IHorde
{
    /// <summary>This host's node; it listens once the host has started.</summary>
    Node Node { get; }

    /// <summary>The membership that keeps the node connected to the peers its topologies list.</summary>
    ClusterMembership Membership { get; }
}

internal sealed class HordeFacade(Node node, ClusterMembership membership) : IHorde
{
    public Node Node { get; } = node;

    public ClusterMembership Membership { get; } = membership;
}
