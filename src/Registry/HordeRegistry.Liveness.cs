using Horde.Net.Cluster;

namespace Horde.Net.Registry;

// The liveness check of a lookup: the holder of most names is on another node, and asking the node's connection table
// on every read costs a hash of the node name and a concurrent-dictionary probe. Reads use a small array of the
// connected nodes' runs instead, replaced (never changed) by the watcher on every NodeUp and NodeDown.
public sealed partial class HordeRegistry<TValue>
{
    private volatile ConnectedRun[] _connected = [];

    /// <summary>
    /// Whether <paramref name="pid"/> is not known dead (as <see cref="Node.IsReachable"/>). A holder on a connected node
    /// run is answered from the snapshot; anything else asks the node. After a connection drops, its node's holders
    /// look live until the watcher handles the NodeDown (one hop of its mailbox).
    /// </summary>
    private bool IsLive(Pid pid)
    {
        var node = pid.Node;
        if (node.Port != _node.Name.Port || node != _node.Name)
        {
            foreach (var run in _connected)
            {
                if (run.Incarnation == pid.Incarnation && run.Node.Port == node.Port && run.Node == node)
                    return true;
            }
        }
        return _node.IsReachable(pid);
    }

    /// <summary>Takes a new snapshot of the connected node runs (the watcher calls it on NodeUp and NodeDown).</summary>
    internal void RefreshConnected()
    {
        var runs = new List<ConnectedRun>();
        foreach (var node in _node.ConnectedNodes)
        {
            if (_node.ConnectedIncarnation(node) is { } incarnation)
                runs.Add(new(node, incarnation));
        }
        _connected = [.. runs];
    }

    private readonly record struct ConnectedRun(NodeName Node, ulong Incarnation);
}
