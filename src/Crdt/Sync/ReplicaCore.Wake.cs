namespace Horde.Net.Crdt.Sync;

/// <summary>
/// When <see cref="ReplicaCore{TKey, TValue}.OnTick"/> next has work, so a host can sleep until then instead of
/// polling: an idle replica's only timer is its next anti-entropy round.
/// </summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    /// <summary>
    /// The earliest host time (same clock as <c>nowMs</c>) at which <see cref="OnTick"/> would do something: the next
    /// anti-entropy round (further apart while idle: ReplicaCore.Pacing.cs), a repair round owed to a new or overflowed neighbour, a delta resend, a repair session's
    /// timeout, a due snapshot, or deltas still unsent. <see cref="long.MaxValue"/> when nothing is pending (no
    /// neighbours, nothing to persist). A host must also call <see cref="OnTick"/> after any message or write could
    /// have changed this (it may only move earlier then), which is simplest by asking again after each.
    /// </summary>
    /// <param name="nowMs">The host's time now.</param>
    public long NextWakeMs(long nowMs)
    {
        if (_closed)
        {
            return long.MaxValue;
        }

        if (_roundRobin.Length > 0 && RootChangeUnnoted)
        {
            return nowMs; // a write the host has not flushed yet: the tick notes it and brings rounds back to pace
        }

        var due = _roundRobin.Length > 0 ? _nextRoundMs : long.MaxValue;
        foreach (var (peer, outbox) in _outboxes)
        {
            if (outbox.HasUnsent || (outbox.NeedsRepair && !Busy(peer, nowMs)))
            {
                return nowMs;
            }

            due = Math.Min(due, outbox.NextResendMs(_options.ResendAfterMs));
        }

        // Expiry is strict (older than the timeout), hence the millisecond after it.
        foreach (var session in _sessions.Values)
        {
            due = Math.Min(due, session.LastActivityMs + _options.SessionTimeoutMs + 1);
        }

        foreach (var at in _lastPushReceivedMs.Values)
        {
            due = Math.Min(due, at + _options.SessionTimeoutMs + 1);
        }

        if (_storage is not null && _dirty)
        {
            due = Math.Min(due, _dirtySinceMs is { } since ? since + _options.PersistDelayMs : nowMs);
        }

        return due;
    }
}
