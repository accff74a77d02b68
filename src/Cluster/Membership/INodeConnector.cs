namespace Horde.Net.Cluster.Membership;

/// <summary>The part of a node that membership drives: it connects and disconnects peers by name.</summary>
public interface INodeConnector
{
    /// <summary>The name of this node; membership never connects a node to itself.</summary>
    NodeName Self { get; }

    /// <summary>Connects to <paramref name="node"/>; true when the connection is up (or already was).</summary>
    Task<bool> ConnectAsync(NodeName node, CancellationToken cancellationToken);

    /// <summary>Disconnects from <paramref name="node"/>; does nothing when it is not connected.</summary>
    Task DisconnectAsync(NodeName node, CancellationToken cancellationToken);

    /// <summary>The nodes connected right now.</summary>
    IReadOnlyCollection<NodeName> ConnectedNodes { get; }

    /// <summary>
    /// True while <paramref name="node"/> is connected, announced that it is leaving, and the drain it announced has
    /// not run out: membership keeps it connected until its goodbye even when no topology lists it any more.
    /// </summary>
    bool IsDraining(NodeName node) => false;
}
