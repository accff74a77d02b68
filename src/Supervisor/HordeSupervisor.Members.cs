using System.Collections.Concurrent;
using Horde.Net.Cluster;
using Horde.Net.Crdt;

namespace Horde.Net.Supervisor;

// Members: every node whose supervisor of this name wrote an entry into the members map (or the fixed list), with the
// status this node sees: alive, leaving (it drains: no new children), gone (not connected as the run that wrote it).
public sealed partial class HordeSupervisor
{
    /// <summary>Every member this node knows of, with its status as seen from here, sorted by node name.</summary>
    public IReadOnlyList<SupervisorMember> Members
    {
        get
        {
            var found = new List<SupervisorMember>();
            foreach (var (key, record) in _members.View)
            {
                if (!NodeName.TryParse(key, out var node) || !IsMember(node))
                    continue;
                found.Add(new(node, StatusOf(node, record)));
            }
            if (Options.Members is { } fixedMembers)
            {
                foreach (var node in fixedMembers)
                {
                    if (!found.Any(m => m.Node == node))
                        found.Add(new(node, MemberStatus.Gone));
                }
            }
            found.Sort((a, b) => a.Node.CompareTo(b.Node));
            return found;
        }
    }

    /// <summary>The members that take children now, sorted: what the strategy places on.</summary>
    public IReadOnlyList<NodeName> LiveMembers() =>
        [.. Members.Where(m => m.Status == MemberStatus.Alive).Select(m => m.Node)];

    /// <summary>Whether the strategy's quorum holds as this node sees the members.</summary>
    public bool HasQuorum
    {
        get
        {
            var members = Members;
            var total = Options.Members?.Count ?? members.Count(m => m.Status != MemberStatus.Leaving);
            return Options.Strategy.HasQuorum(members.Count(m => m.Status == MemberStatus.Alive), total);
        }
    }

    /// <summary>Waits until the strategy's quorum holds (at once for a strategy without quorum once this node is a member).</summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>.</exception>
    public async Task WaitForQuorumAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!HasQuorum)
        {
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Supervisor '{Name}' on {_node.Name}: no quorum within {timeout.TotalMilliseconds:0} ms ({Describe(Members)}).");
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private bool IsMember(NodeName node) => Options.Members is not { } fixedMembers || fixedMembers.Contains(node);

    private MemberStatus StatusOf(NodeName node, MemberRecord record)
    {
        if (node == _node.Name)
            return record.Incarnation != _node.Incarnation ? MemberStatus.Gone : TakesChildren ? MemberStatus.Alive : MemberStatus.Leaving;
        if (_node.ConnectedIncarnation(node) != record.Incarnation)
            return MemberStatus.Gone;
        return record.Status == MemberStatus.Leaving || _node.IsLeaving(node) ? MemberStatus.Leaving : MemberStatus.Alive;
    }

    // Node runs whose connection dropped without a goodbye or a heartbeat timeout, and when: a connection reset (a
    // dial race, a proxy) is often back within moments, and restarting the run's children meanwhile would run them
    // twice, the copies without their state. A killed process drops its connections too; its children wait the grace.
    private readonly ConcurrentDictionary<(NodeName Node, ulong Incarnation), long> _dropped = new();

    /// <summary>How long a dropped run keeps its children: the registry's grace for its names (the failure threshold).</summary>
    private TimeSpan DropGrace => _registry.Options.NodeDownGrace ?? _node.Options.FailureThreshold;

    /// <summary>
    /// Whether the run that owns a child is over: not this node's run, not connected as that run, and not a run whose
    /// connection only dropped less than <see cref="DropGrace"/> ago (connected again as another run, it is over at once).
    /// </summary>
    private bool IsGone(NodeName owner, ulong incarnation)
    {
        if (owner == _node.Name)
            return incarnation != _node.Incarnation;
        var connected = _node.ConnectedIncarnation(owner);
        if (connected == incarnation)
            return false;
        if (connected is null && _dropped.TryGetValue((owner, incarnation), out var at))
        {
            if (Environment.TickCount64 - at < (long)DropGrace.TotalMilliseconds)
                return false;
            _dropped.TryRemove((owner, incarnation), out _);
        }
        return true;
    }

    private static string Describe(IReadOnlyList<SupervisorMember> members) =>
        members.Count == 0 ? "no members" : string.Join(", ", members.Select(m => $"{m.Node}: {m.Status}"));

    private Task MarkSelfAsync(MemberStatus status) =>
        _members.PutAsync(_node.Name.ToString(), new MemberRecord(status, _node.Incarnation), WriteLevel.All, TimeSpan.FromSeconds(1))
            .ContinueWith(_ => { }, TaskScheduler.Default);
}
