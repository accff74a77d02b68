using System.IO.Hashing;
using System.Text;
using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Crdt;

/// <summary>
/// A named replica finds the replicas of its name on the other connected nodes: it looks the name up on every node
/// connected at start and on every node that connects later, announces itself to each replica it finds (so both count
/// each other at once), monitors them, and drops one when its node disconnects or it exits (and looks again, for the
/// restarted one). The members are one replica per node; the neighbours are the sparse ring over the members ordered
/// by node name, so every node that sees the same members builds the same graph.
/// </summary>
internal sealed partial class ReplicaProcess<TKey, TValue>
{
    private readonly Dictionary<NodeName, (Pid Pid, MonitorRef Monitor)> _members = [];
    private string? _name;
    private bool _manualNeighbours;

    // The nodes that answered that they run no replica of this name, and how many members there are: read by
    // IsCaughtUp from other threads, so immutable and volatile.
    private volatile System.Collections.Immutable.ImmutableHashSet<NodeName> _withoutReplica = [];
    private volatile int _memberCount;

    /// <summary>
    /// Whether there is nothing left to catch up with for now: the replica has synced once with a peer, or every node
    /// connected now answered that it runs no replica of this name (the first node of a cluster). A replica wired by
    /// hand counts as caught up once it has synced or has no neighbours.
    /// </summary>
    public bool IsCaughtUp =>
        Core.HasSynced
        || (_name is null ? Core.Neighbours.Count == 0 : _memberCount == 0 && Node.ConnectedNodes.All(_withoutReplica.Contains));

    private void StartDiscovery(string name)
    {
        _name = name;
        Node.Register(name, Self);
        Node.MonitorNodes(Self);
        foreach (var node in Node.ConnectedNodes)
            LookUp(node);
    }

    private void OnDiscoveryMessage(object message)
    {
        switch (message)
        {
            case NodeUp up when _name is not null:
                LookUp(up.Node);
                break;
            case NodeDown down when _name is not null:
                _withoutReplica = _withoutReplica.Remove(down.Node);
                Drop(down.Node, lookAgain: false);
                break;
            case ReplicaFound { Pid: null } none when _name is not null:
                _withoutReplica = _withoutReplica.Add(none.Node);
                break;
            case ReplicaFound { Pid: { } pid } found when _name is not null && pid.Node == found.Node:
                if (Add(pid))
                    pid.Send(new ReplicaAnnounce(_name, Self));
                break;
            case ReplicaAnnounce announce when announce.Name == _name && announce.Sender is { } sender:
                Add(sender);
                break;
            case Down down when _members.TryGetValue(down.Pid.Node, out var member) && member.Pid == down.Pid:
                Drop(down.Pid.Node, lookAgain: true);
                break;
        }
    }

    /// <summary>Asks a node for its replica of this name, off the process (the answer comes back as a message).</summary>
    private void LookUp(NodeName node)
    {
        if (node == Node.Name)
            return;
        var (self, home, name) = (Self, Node, _name!);
        _ = Task.Run(async () =>
        {
            try
            {
                self.Send(new ReplicaFound(node, await home.WhereIsAsync(node, name)));
            }
            catch (TimeoutException)
            {
                // Not waited for longer (IsCaughtUp counts it as running none); its replica's announce still adds it.
                self.Send(new ReplicaFound(node, null));
            }
            catch (Exception e) when (e is InvalidOperationException or ProcessExitedException)
            {
                // The node went away: its NodeUp (or its replica's announce) brings it back.
            }
        });
    }

    /// <summary>Counts <paramref name="pid"/> as its node's replica; false if it already was.</summary>
    private bool Add(Pid pid)
    {
        if (pid.Node == Node.Name || !Node.ConnectedNodes.Contains(pid.Node))
            return false;
        if (_members.TryGetValue(pid.Node, out var known))
        {
            if (known.Pid == pid)
                return false;
            Demonitor(known.Monitor);
            Forget(known.Pid);
        }
        _members[pid.Node] = (pid, MonitorProcess(pid));
        _memberCount = _members.Count;
        _withoutReplica = _withoutReplica.Remove(pid.Node);
        Logger.LogDebug("Replica {Name} on {Node} found its peer {Peer}", _name, Node.Name, pid);
        ApplyTopology();
        return true;
    }

    private void Drop(NodeName node, bool lookAgain)
    {
        if (_members.Remove(node, out var member))
        {
            _memberCount = _members.Count;
            Demonitor(member.Monitor);
            Forget(member.Pid);
            ApplyTopology();
        }
        if (lookAgain && Node.ConnectedNodes.Contains(node))
            LookUp(node); // the supervisor there may have restarted it already; it announces itself too
    }

    private void ApplyTopology()
    {
        if (_manualNeighbours)
            return;
        var byPosition = _members.ToDictionary(m => Position(m.Key), m => m.Value.Pid);
        var neighbours = SparseTopology.Neighbours(Position(Node.Name), byPosition.Keys);
        SetNeighbourPids([.. neighbours.Select(p => byPosition[p])]);
    }

    /// <summary>A node's place on the ring: the same on every node, spread evenly whatever the names look like.</summary>
    private static ulong Position(NodeName node) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(node.ToString()));
}
