namespace Horde.Net.Cluster;

/// <summary>Delivered to processes that monitor nodes (<see cref="Node.MonitorNodes(Pid)"/>) when a node connects.</summary>
/// <param name="Node">The node.</param>
/// <param name="Incarnation">The run of the node that connected.</param>
public sealed record NodeUp(NodeName Node, ulong Incarnation);

/// <summary>Delivered to processes that monitor nodes when a node disconnects.</summary>
/// <param name="Node">The node.</param>
/// <param name="Incarnation">The run of the node that disconnected.</param>
/// <param name="Reason">Why: it said goodbye, went silent, its connection broke, or it was disconnected on purpose.</param>
public sealed record NodeDown(NodeName Node, ulong Incarnation, string Reason);
