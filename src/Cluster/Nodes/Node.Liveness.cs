namespace Horde.Net.Cluster;

// What this node knows, without a network call, about whether a process can be reached: for local reads that hide
// pids known dead (the registry's lookup).
public sealed partial class Node
{
    /// <summary>
    /// Whether <paramref name="pid"/> may be alive, by what this node knows now and without a network call: a local
    /// process that is running, or a process of a node connected as the same incarnation (which may still have exited).
    /// </summary>
    public bool IsReachable(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        if (pid.Local is { } local)
            return local.IsAlive;
        if (pid.Node == Name)
            return pid.Incarnation == Incarnation && _processes.TryGetValue(pid.Serial, out var process) && process.IsAlive;
        return _transport is { } transport && transport.TryGetConnection(pid.Node, out var connection) && connection.PeerIncarnation == pid.Incarnation;
    }

    /// <summary>The incarnation of <paramref name="node"/> this node is connected to, or null if it is not connected.</summary>
    public ulong? ConnectedIncarnation(NodeName node) =>
        _transport is { } transport && transport.TryGetConnection(node, out var connection) ? connection.PeerIncarnation : null;
}
