namespace Horde.Net.Cluster;

/// <summary>Delivered to processes that monitor nodes (<see cref="Node.MonitorNodes(Pid)"/>) when a node connects.</summary>
/// <param name="Node">The node.</param>
/// <param name="Incarnation">The run of the node that connected.</param>
public sealed record NodeUp(NodeName Node, ulong Incarnation);

/// <summary>
/// Delivered to processes that monitor nodes when a connected node announces that it is leaving: it drains (hands its
/// work off) and says goodbye later. It stays connected meanwhile; place no new work on it.
/// </summary>
/// <param name="Node">The node.</param>
/// <param name="Incarnation">The run of the node that is leaving.</param>
public sealed record NodeLeaving(NodeName Node, ulong Incarnation);

/// <summary>Delivered to processes that monitor nodes when a node disconnects.</summary>
/// <param name="Node">The node.</param>
/// <param name="Incarnation">The run of the node that disconnected.</param>
/// <param name="Reason">Why, as a kind that upper layers can act on: a clean leave or a possible partition.</param>
/// <param name="Detail">Why, in words, for logs.</param>
public sealed record NodeDown(NodeName Node, ulong Incarnation, NodeDownReason Reason, string Detail);

/// <summary>Why a node went down, as seen from this node.</summary>
public enum NodeDownReason
{
    /// <summary>It said goodbye: a graceful stop. Its work was handed off.</summary>
    Goodbye,

    /// <summary>The connection broke (reset, closed, bad data) without a goodbye: it may have crashed or be cut off.</summary>
    ConnectionLost,

    /// <summary>It fell silent past the failure threshold: it may be dead or partitioned away.</summary>
    HeartbeatTimeout,

    /// <summary>This node disconnected it on purpose (membership no longer lists it, or this node stops).</summary>
    Disconnected,

    /// <summary>A newer incarnation of the node connected, so this one is gone for good.</summary>
    Replaced,
}

/// <summary>A node's lifecycle: <c>Starting → Running → Leaving → Stopped</c>.</summary>
public enum NodeState
{
    /// <summary>Created; not yet listening (or, for a node that never joins a cluster, no process started yet).</summary>
    Starting,

    /// <summary>Listening and serving (or running processes, for a node that never joins a cluster).</summary>
    Running,

    /// <summary>Stopping gracefully: peers were told, drain hooks run, then processes stop and the node says goodbye.</summary>
    Leaving,

    /// <summary>Stopped: no processes, transport closed.</summary>
    Stopped,
}

/// <summary>Raised by <see cref="Node.StateChanged"/>.</summary>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state now.</param>
public sealed record NodeStateChanged(NodeState Previous, NodeState Current);
