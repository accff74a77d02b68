namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Anti-entropy: each round compares root hashes with one neighbour (the whole idle cost), descends the hash
/// tree only where it differs, then repairs the differing leaves range by range, at most max_sync_size keys per
/// message. A repair message carries entries and dead dots only, never a causal context, so the receiver records
/// as seen exactly the dots it received (the invariant delta_crdt_ex breaks in its issues #45 and #65).
/// </summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    private readonly Dictionary<ulong, RepairSession> _sessions = [];
    private readonly Dictionary<ulong, long> _lastPushReceivedMs = [];
    private readonly Dictionary<ulong, long> _heldBackSinceMs = [];
    private readonly HashSet<Dot> _pushedDots = []; // scratch of OnRangePush
    private readonly List<Dot> _deadHere = []; // scratch of ApplyAnswering
    private Func<KeyState<TKey, TValue>, Entry<TValue>[]>? _notPushed; // NotPushed, made once
    private readonly List<OutgoingKey<TKey, TValue>> _outgoing = [];
    private ulong[] _roundRobin = [];
    private int _roundRobinNext;
    private long _nextRoundMs;
    private ulong _nextSessionId;

    private void StartRounds(long nowMs)
    {
        foreach (var (peer, outbox) in _outboxes)
        {
            if (outbox.NeedsRepair && !Busy(peer, nowMs))
            {
                outbox.NeedsRepair = false;
                StartRound(peer);
            }
        }

        if (nowMs < _nextRoundMs || _roundRobin.Length == 0)
        {
            return;
        }

        ScheduleNextRound(nowMs);
        var fanout = Math.Min(_options.AntiEntropyFanout, _roundRobin.Length);
        var taken = 0;
        for (var tried = 0; tried < _roundRobin.Length && taken < fanout; tried++)
        {
            var peer = _roundRobin[_roundRobinNext++ % _roundRobin.Length];
            if (ProbedByPeer(peer, nowMs))
            {
                continue; // known equal, and the peer's rounds cover the pair (ReplicaCore.Pacing.cs)
            }

            taken++;
            if (!Busy(peer, nowMs) && !HeldBack(peer, RepairingWithAnother(peer, nowMs), nowMs))
            {
                StartRound(peer);
            }
        }
    }

    private bool Busy(ulong peer, long nowMs) =>
        _sessions.ContainsKey(peer)
        || (_lastPushReceivedMs.TryGetValue(peer, out var at) && nowMs - at < _options.SessionTimeoutMs);

    /// <summary>A round with <paramref name="peer"/> while a repair with another peer runs would fetch the same keys twice.</summary>
    private bool RepairingWithAnother(ulong peer, long nowMs) =>
        _sessions.Keys.Any(p => p != peer) || RepairedByAnother(peer, nowMs);

    private bool RepairedByAnother(ulong peer, long nowMs)
    {
        foreach (var (pusher, at) in _lastPushReceivedMs)
        {
            if (pusher != peer && nowMs - at < _options.SessionTimeoutMs)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a repair with <paramref name="peer"/> waits because another is under way (<paramref name="hold"/>), bounded:
    /// a neighbour that keeps pushing (say, through a steady stream of writes that never leaves the roots equal) would
    /// otherwise keep every other neighbour out for good, so after twice the session timeout one repair goes through.
    /// </summary>
    private bool HeldBack(ulong peer, bool hold, long nowMs)
    {
        if (!hold)
        {
            _heldBackSinceMs.Remove(peer);
            return false;
        }

        if (!_heldBackSinceMs.TryGetValue(peer, out var since))
        {
            _heldBackSinceMs[peer] = nowMs;
            return true;
        }

        if (nowMs - since <= 2L * _options.SessionTimeoutMs)
        {
            return true;
        }

        _heldBackSinceMs.Remove(peer);
        return false;
    }

    private void StartRound(ulong peer)
    {
        Stats.Rounds++;
        _metrics.Rounds.Add(1);
        SendMessage(peer, new TreeRoot(_map.Tree.Root, _map.Context.Digest()));
    }

    private void ExpireSessions(long nowMs)
    {
        foreach (var (peer, session) in _sessions.ToList())
        {
            if (nowMs - session.LastActivityMs > _options.SessionTimeoutMs)
            {
                _sessions.Remove(peer);
                NoteActivity(nowMs); // the repair did not finish: start over at the base pace
            }
        }

        foreach (var (peer, at) in _lastPushReceivedMs.ToList())
        {
            if (nowMs - at > _options.SessionTimeoutMs)
            {
                _lastPushReceivedMs.Remove(peer);
            }
        }
    }

    private void OnTreeRoot(ulong from, TreeRoot root, long nowMs)
    {
        if (root.Root == _map.Tree.Root)
        {
            MarkSynced(nowMs);

            // Equal roots: no repair from this peer is under way (a pusher's last reply is followed by this round), so
            // another neighbour may repair this replica, or be repaired by it, at once rather than after the timeout.
            _lastPushReceivedMs.Remove(from);
            NoteEqualRoot(from, root.Root, nowMs);
            AnswerEqualRoot(from, nowMs);
        }
        else
        {
            NoteActivity(nowMs);
        }

        if (HeldBack(from, root.Root != _map.Tree.Root && RepairedByAnother(from, nowMs), nowMs))
        {
            // One repair into this replica at a time: a fresh replica with two neighbours would otherwise take every
            // key twice. The other neighbour's next round finds what is left, or nothing.
            return;
        }
        if (root.Root != _map.Tree.Root)
        {
            _lastPushReceivedMs[from] = nowMs; // engaged with this peer until the walk or repair goes quiet
            SendLevel(from, 1, [.. Enumerable.Range(0, HashTree.Fanout)]);
        }
        else if (root.ContextDigest != _map.Context.Digest())
        {
            SendMessage(from, new ContextShare(_map.Tree.Root, WireContext.From(_map.Context), IsReply: false));
        }
    }

    private void SendLevel(ulong to, int level, int[] nodes)
    {
        var hashes = new ulong[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            hashes[i] = _map.Tree.Node(level, nodes[i]);
        }

        SendMessage(to, new TreeLevel(level, nodes, hashes));
    }

    private void OnTreeLevel(ulong from, TreeLevel message, long nowMs)
    {
        var nodes = Require(message.Nodes, "tree nodes");
        var hashes = Require(message.Hashes, "tree hashes");
        if (message.Level < 1 || message.Level > HashTree.LeafLevel || nodes.Length != hashes.Length || nodes.Length > HashTree.NodeCount(message.Level)
            || nodes.Any(n => n < 0 || n >= HashTree.NodeCount(message.Level)))
        {
            throw new InvalidDataException("Malformed tree level.");
        }

        NoteActivity(nowMs);
        if (HeldBack(from, RepairedByAnother(from, nowMs), nowMs))
        {
            // One repair into this replica at a time, as in OnTreeRoot: a fresh replica that opened rounds with two
            // neighbours at once would otherwise walk with both and take every key twice.
            return;
        }

        _lastPushReceivedMs[from] = nowMs;

        // Where the peer holds nothing (hash 0) there is nothing to learn by descending: every leaf of ours
        // below is a difference. Repairing those at once saves the walk's remaining round trips and hashes,
        // which is most of a fresh replica's walk.
        var differing = new List<int>();
        var leaves = new List<int>();
        var differingHeldByPeer = false;
        for (var i = 0; i < nodes.Length; i++)
        {
            if (_map.Tree.Node(message.Level, nodes[i]) == hashes[i])
            {
                continue;
            }

            if (hashes[i] == 0 && message.Level < HashTree.LeafLevel)
            {
                leaves.AddRange(_map.Tree.NonEmptyLeaves(message.Level, nodes[i]));
            }
            else
            {
                differing.Add(nodes[i]);
                differingHeldByPeer |= hashes[i] != 0;
            }
        }

        if (differing.Count == 0 && leaves.Count == 0)
        {
            MarkSynced(nowMs);
            return;
        }

        if (message.Level < HashTree.LeafLevel)
        {
            if (differing.Count > 0)
            {
                SendLevel(from, message.Level + 1, [.. differing.SelectMany(n => Enumerable.Range(n * HashTree.Fanout, HashTree.Fanout))]);
            }
        }
        else
        {
            leaves.AddRange(differing);
        }

        if (leaves.Count > 0)
        {
            // Above the leaf level only subtrees the peer holds nothing in are repaired at once; at the leaf level the
            // peer holds nothing in these leaves unless one of them had a hash.
            StartRepair(from, leaves, nowMs, peerEmpty: message.Level < HashTree.LeafLevel || !differingHeldByPeer);
        }
    }

    /// <summary>
    /// Repairs <paramref name="leaves"/> with <paramref name="peer"/>, joining the session already running if any;
    /// <paramref name="peerEmpty"/>: the peer holds nothing in them.
    /// </summary>
    private void StartRepair(ulong peer, List<int> leaves, long nowMs, bool peerEmpty)
    {
        if (!_sessions.TryGetValue(peer, out var session))
        {
            session = _sessions[peer] = new RepairSession(nowMs);
            Stats.RepairSessions++;
        }

        session.PeerEmpty &= peerEmpty;

        foreach (var leaf in leaves.Order())
        {
            if (!session.Leaves.Add(leaf))
            {
                continue;
            }

            // One range for a run of leaves: fewer, larger ranges to send and echo. Leaves empty here may sit
            // inside the run, as they add no keys to a push and the peer answers for whatever it has in them.
            if (session.Pending.Last is { } last && last.Value.High < HashTree.LeafLow(leaf) && EmptyBetween(last.Value.High, leaf))
            {
                last.Value = last.Value with { High = HashTree.LeafHigh(leaf) };
            }
            else
            {
                session.Pending.AddLast(new WireRange(HashTree.LeafLow(leaf), HashTree.LeafHigh(leaf)));
            }
        }

        PushNext(peer, session, nowMs);
    }

    /// <summary>Whether every leaf after the one holding <paramref name="high"/> and before <paramref name="leaf"/> is empty here.</summary>
    private bool EmptyBetween(ulong high, int leaf)
    {
        if (high != HashTree.LeafHigh(HashTree.LeafOf(high)))
        {
            return false; // the range ends inside a leaf: not a run of whole leaves
        }

        for (var between = HashTree.LeafOf(high) + 1; between < leaf; between++)
        {
            if (_map.Tree.Node(HashTree.LeafLevel, between) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Keeps up to <see cref="ReplicaOptions.MaxPushesInFlight"/> pushes outstanding (each covering its ranges
    /// completely), or ends the session when nothing is pending or in flight.
    /// </summary>
    private void PushNext(ulong peer, RepairSession session, long nowMs)
    {
        if (session.Pending.Count == 0 && session.InFlight.Count == 0)
        {
            MarkSynced(nowMs);
            _sessions.Remove(peer);
            _lastPushReceivedMs.Remove(peer); // the walk that led here is over: other neighbours may engage at once
            _metrics.RepairDuration.Record(nowMs - session.StartedMs);

            // Confirm at once: the peer learns it is in sync (or the walk finds what changed meanwhile).
            StartRound(peer);
            return;
        }

        while (session.Pending.Count > 0 && session.InFlight.Count < Math.Max(1, _options.MaxPushesInFlight))
        {
            PushChunk(peer, session, nowMs);
        }
    }

    private void PushChunk(ulong peer, RepairSession session, long nowMs)
    {
        var ranges = new List<WireRange>();
        var keys = Outgoing();
        var budget = session.PeerEmpty ? BulkKeyBudget : KeyBudget;
        while (session.Pending.First is { } node && ranges.Count < _options.MaxRangesPerPush)
        {
            var range = node.Value;
            var (taken, whole) = RangeCollector.Take(_map, range, budget - keys.Count, keys.Count == 0, AllEntries, keys);
            if (taken is not { } covered)
            {
                break;
            }

            ranges.Add(covered);
            if (whole)
            {
                session.Pending.RemoveFirst();
            }
            else
            {
                node.Value = new WireRange(covered.High + 1, range.High);
                break;
            }
        }

        var id = ++_nextSessionId;
        session.InFlight[id] = [.. ranges];
        session.LastActivityMs = nowMs;
        Stats.KeysSent += keys.Count;
        _metrics.KeysSent.Add(keys.Count);
        SendMessage(peer, new RangePush(id, session.InFlight[id], _codec.Encode(keys)));
    }

    private void OnRangePush(ulong from, RangePush push, long nowMs)
    {
        NoteActivity(nowMs); // a repair under way: a round to finish it must not wait for a backed-off interval
        var ranges = Require(push.Ranges, "ranges");
        foreach (var range in ranges)
        {
            Require(range, "range");
            if (range.Low > range.High)
            {
                throw new InvalidDataException("A range must not end before it starts.");
            }
        }

        var (_, decoded) = DecodeAll(push.Keys, ranges, "pushed");

        // Both sides may have found the difference; the lower replica id drives, the other stands down.
        if (_sessions.ContainsKey(from) && ReplicaId > from)
        {
            _sessions.Remove(from);
        }

        _lastPushReceivedMs[from] = nowMs;
        var heldNothing = ranges.Length <= _options.MaxRangesPerPush && RangeCollector.HoldsNothingIn(_map, ranges);

        var pushedDots = _pushedDots;
        pushedDots.Clear();
        var reply = Outgoing();
        foreach (var key in decoded)
        {
            ApplyAnswering(key, reply);
            foreach (var entry in key.Entries)
            {
                pushedDots.Add(entry.Dot);
            }
        }

        // Tell the pusher what it lacks in the ranges, as far as the budget allows; the rest of the
        // ranges stays uncovered and the pusher sends it again. Where this replica held nothing before the push, it
        // holds only what was pushed now: nothing to tell, and no need to look at every key it just took.
        var covered = new List<WireRange>(heldNothing ? ranges : []);
        var notPushed = _notPushed ??= NotPushed;
        var budget = KeyBudget;
        var fullBudget = budget;
        foreach (var range in heldNothing ? [] : ranges)
        {
            var before = reply.Count;
            var (taken, whole) = RangeCollector.Take(_map, range, budget, budget == fullBudget, notPushed, reply);
            if (taken is not { } part)
            {
                break;
            }

            budget -= reply.Count - before;
            Stats.KeysSent += reply.Count - before;
            _metrics.KeysSent.Add(reply.Count - before);
            covered.Add(part);
            if (!whole)
            {
                break;
            }
        }

        pushedDots.Clear();
        SendMessage(from, new RangeReply(push.Session, [.. covered], _codec.Encode(reply)));
    }

    private static readonly Func<KeyState<TKey, TValue>, Entry<TValue>[]> AllEntries = s => s.Entries;

    /// <summary>The keys of the next message to encode: one list reused, as each message is encoded before the next is gathered.</summary>
    private List<OutgoingKey<TKey, TValue>> Outgoing()
    {
        _outgoing.Clear();
        return _outgoing;
    }

    /// <summary>The entries of <paramref name="state"/> the push being answered did not carry (most often none).</summary>
    private Entry<TValue>[] NotPushed(KeyState<TKey, TValue> state)
    {
        foreach (var entry in state.Entries)
        {
            if (!_pushedDots.Contains(entry.Dot))
            {
                return [.. state.Entries.Where(e => !_pushedDots.Contains(e.Dot))];
            }
        }

        return [];
    }

    private void OnRangeReply(ulong from, RangeReply reply, long nowMs)
    {
        NoteActivity(nowMs); // as in OnRangePush: a session left to "a later round" gets one within the base interval
        if (!_sessions.TryGetValue(from, out var session) || !session.InFlight.Remove(reply.Session, out var sent))
        {
            return; // stale: the session was abandoned or replaced
        }

        var covered = Require(reply.Covered, "covered ranges");
        if (!IsPrefix(covered, sent))
        {
            // A reply meant for an earlier incarnation's session with the same number: stale, not hostile.
            _sessions.Remove(from);
            return;
        }

        var repairs = Outgoing();
        foreach (var key in DecodeAll(reply.Keys, sent, "reply").Keys)
        {
            ApplyAnswering(key, repairs);
        }

        if (repairs.Count > 0)
        {
            SendMessage(from, new Repair(_codec.Encode(repairs)));
        }

        // Whatever the reply did not cover goes back to the front of the queue.
        var remainder = new List<WireRange>();
        if (covered.Length == 0)
        {
            remainder.AddRange(sent);
        }
        else
        {
            var last = covered[^1];
            var whole = sent[covered.Length - 1];
            if (last.High < whole.High)
            {
                remainder.Add(new WireRange(last.High + 1, whole.High));
            }

            remainder.AddRange(sent.Skip(covered.Length));
        }

        for (var i = remainder.Count - 1; i >= 0; i--)
        {
            session.Pending.AddFirst(remainder[i]);
        }

        session.LastActivityMs = nowMs;
        if (covered.Length == 0 && sent.Length > 0)
        {
            // No progress possible from this reply; leave the rest to a later round.
            _sessions.Remove(from);
            return;
        }

        PushNext(from, session, nowMs);
    }

    /// <summary>
    /// Applies one key of a push or a reply; the dots it carries that are dead here go into
    /// <paramref name="answers"/>, so the sender learns of them.
    /// </summary>
    private void ApplyAnswering(in DecodedKey key, List<OutgoingKey<TKey, TValue>> answers)
    {
        var deadHere = _deadHere;
        deadHere.Clear();
        Apply(key, deadHere);
        if (deadHere.Count > 0)
        {
            answers.Add(new OutgoingKey<TKey, TValue>(key.Key, key.Hash, [], [.. deadHere]));
        }
    }

    private void OnRepair(Repair repair)
    {
        foreach (var key in DecodeAll(repair.Keys, ranges: null, "repair").Keys)
        {
            Apply(key, deadHere: null);
        }
    }

    private void OnContextShare(ulong from, ContextShare share)
    {
        if (share.Root != _map.Tree.Root)
        {
            return; // the states moved apart since; adopting now could claim dots of entries not received
        }

        var theirs = Require(share.Context, "context").ToContext();
        _dirty |= _map.Context.UnionWith(theirs);
        if (!share.IsReply && _map.Context.Digest() != theirs.Digest())
        {
            SendMessage(from, new ContextShare(_map.Tree.Root, WireContext.From(_map.Context), IsReply: true));
        }
    }

    private static bool InAny(WireRange[] ranges, ulong hash)
    {
        foreach (var range in ranges)
        {
            if (hash >= range.Low && hash <= range.High)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPrefix(WireRange[] covered, WireRange[] sent)
    {
        if (covered.Length > sent.Length)
        {
            return false;
        }

        for (var i = 0; i < covered.Length; i++)
        {
            var c = covered[i] ?? throw new InvalidDataException("Missing range.");
            var s = sent[i];
            var isLast = i == covered.Length - 1;
            if (c.Low != s.Low || c.High > s.High || (!isLast && c.High != s.High))
            {
                return false;
            }
        }

        return true;
    }
}
