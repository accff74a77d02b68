namespace Horde.Net.Crdt.Sync;

/// <summary>
/// When the periodic anti-entropy rounds run, and to whom, while nothing happens. Two states that were equal can only
/// come apart through a change on one side, and the side that changed probes at once; so while every round finds
/// nothing to do, the rounds slow down, and of two replicas that just found each other equal only one keeps probing.
/// <list type="bullet">
/// <item>Back-off: after each round with no sign of a difference since the one before, the interval to the next round
/// doubles, up to <see cref="ReplicaOptions.MaxIdleSyncInterval"/>. Any change of this replica's root (a write, a
/// delta or repair received), a neighbour added or removed, or a peer's round or walk showing a difference brings it
/// back to <see cref="ReplicaOptions.SyncInterval"/> at once.</item>
/// <item>One prober per pair: a replica skips its round to a neighbour with a lower replica id that sent it an equal
/// root since this replica's root last changed (and not longer ago than the window below); that neighbour's own
/// rounds cover the pair. The lower id never skips.</item>
/// </list>
/// The bound, with F = <see cref="ReplicaOptions.AntiEntropyFanout"/>, n neighbours and M =
/// <see cref="ReplicaOptions.MaxIdleSyncInterval"/>: a difference between two neighbours starts with a change on one
/// side, whose rounds restart at <see cref="ReplicaOptions.SyncInterval"/> and reach the other within ⌈n/F⌉ rounds (a
/// skip is only taken while the pair is known equal), so within ⌈n/F⌉ × M, and within the same after the network
/// delivers again if those probes were lost. Deltas (acknowledged and resent) stay the fast path; this only paces the
/// repair of what they missed.
/// </summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    private readonly Dictionary<ulong, (ulong Root, long AtMs)> _equalRootHeard = [];
    private readonly Dictionary<ulong, ulong> _equalRootAnswered = [];
    private int _roundIntervalMs;
    private ulong _pacedRoot;

    /// <summary>The interval the next round is scheduled with (for tests and dashboards): back-off while idle.</summary>
    internal int RoundIntervalMs => _roundIntervalMs == 0 ? _options.SyncIntervalMs : _roundIntervalMs;

    /// <summary>Something suggests states may differ: rounds go back to the base interval, the next within it.</summary>
    private void NoteActivity(long nowMs)
    {
        _roundIntervalMs = _options.SyncIntervalMs;
        _nextRoundMs = Math.Min(_nextRoundMs, nowMs + _options.SyncIntervalMs);
    }

    /// <summary>Notes a change of this replica's root since the last call (writes and received keys both end here).</summary>
    private void NoteRootChange(long nowMs)
    {
        if (_map.Tree.Root != _pacedRoot)
        {
            _pacedRoot = _map.Tree.Root;
            NoteActivity(nowMs);
        }
    }

    /// <summary>Whether a root change is still to be noted (the host should tick at once).</summary>
    private bool RootChangeUnnoted => _map.Tree.Root != _pacedRoot;

    /// <summary>Schedules the round after the one starting now, backing off while rounds stay quiet.</summary>
    private void ScheduleNextRound(long nowMs)
    {
        var interval = RoundIntervalMs;
        _nextRoundMs = nowMs + interval;
        _roundIntervalMs = (int)Math.Min(2L * interval, Math.Max(_options.MaxIdleSyncIntervalMs, _options.SyncIntervalMs));
    }

    /// <summary>A round from <paramref name="peer"/> found our roots equal: the pair is known equal until either changes.</summary>
    private void NoteEqualRoot(ulong peer, ulong root, long nowMs) => _equalRootHeard[peer] = (root, nowMs);

    /// <summary>
    /// A lower id's round found our roots equal, so this replica now leaves the pair's probing to it: it answers once per
    /// root with its own, or the prober would never hear the pair is equal (a replica counts as synced, and a host as
    /// ready, only once it has heard that from a peer). The answer's receiver has the lower id and does not answer back.
    /// </summary>
    private void AnswerEqualRoot(ulong peer, long nowMs)
    {
        if (peer > ReplicaId || (_equalRootAnswered.TryGetValue(peer, out var answered) && answered == _map.Tree.Root))
        {
            return;
        }

        _equalRootAnswered[peer] = _map.Tree.Root;
        SendMessage(peer, new TreeRoot(_map.Tree.Root, _map.Context.Digest()));
    }

    /// <summary>
    /// Whether this replica may leave the pair's probing to <paramref name="peer"/>: it has the lower id, and its equal root
    /// arrived since ours last changed, recently enough that its own rounds are still going (twice its slowest pace
    /// through as many neighbours as ours, plus a base interval for the message to arrive).
    /// </summary>
    private bool ProbedByPeer(ulong peer, long nowMs)
    {
        if (peer > ReplicaId || !_equalRootHeard.TryGetValue(peer, out var heard) || heard.Root != _map.Tree.Root)
        {
            return false;
        }

        var cycle = Math.Max(1, (_roundRobin.Length + _options.AntiEntropyFanout - 1) / _options.AntiEntropyFanout);
        var window = (2L * cycle * Math.Max(_options.MaxIdleSyncIntervalMs, _options.SyncIntervalMs)) + _options.SyncIntervalMs;
        return nowMs - heard.AtMs <= window;
    }
}
