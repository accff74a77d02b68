using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt;

/// <summary>Writes: run on the process, atomic with every other local write, answered at their <see cref="WriteLevel"/>.</summary>
internal sealed partial class ReplicaProcess<TKey, TValue>
{
    private readonly List<Waiter> _waiters = [];
    private long _waiterDeadlineMs = long.MaxValue; // the earliest deadline of _waiters
    private long _waitersCheckedAt = -1; // the core's AckVersion when the waiters were last looked at
    private bool _flushPending;

    private ValueTask<object?> Write(ReplicaWrite<TKey, TValue> write)
    {
        var waits = write.Level != WriteLevel.Local;
        if (waits)
            Core.MarkOutboxes();
        bool wrote;
        try
        {
            wrote = write.Apply(Core);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A refused write (too large, a throwing update function) fails the call, not the replica.
            return ReplyError(e);
        }
        RequestFlush();
        if (!waits)
            return Reply(wrote);

        var waiter = new Waiter(write.Level, Core.TrackSince(), Now + (long)write.Timeout.TotalMilliseconds, write.Timeout, wrote);
        if (write.Level == WriteLevel.One && waiter.Trackers.Count == 0 && Core.Neighbours.Count == 0 && wrote)
            return ReplyError(new WriteLevelTimeoutException(write.Level, 0, 0, TimeSpan.Zero));
        if (TryComplete(waiter))
            return Reply(wrote);
        waiter.Reply = DeferReply();
        _waiters.Add(waiter);
        _waiterDeadlineMs = Math.Min(_waiterDeadlineMs, waiter.DeadlineMs);
        return Reply(null); // ignored: the deferred reply answers
    }

    /// <summary>
    /// Ships the deltas queued by writes once the writes already in the mailbox have run: concurrent writes leave in
    /// one batch per neighbour (one encoding, one message, one acknowledgement) instead of one each.
    /// </summary>
    private void RequestFlush()
    {
        if (_flushPending)
            return;
        _flushPending = true;
        Self.Send(ReplicaFlush.Instance);
    }

    private void OnFlush()
    {
        _flushPending = false;
        Core.Flush(Now);
        CheckWaiters();
    }

    /// <summary>
    /// Answers the waiters whose writes reached their level, and fails those past their deadline. Runs after every
    /// mailbox pass, so it looks at the waiters only when that can change something: an acknowledgement came or the
    /// neighbours changed since the last look, or the earliest deadline passed.
    /// </summary>
    private void CheckWaiters()
    {
        if (_waiters.Count == 0)
            return;
        var now = Now;
        if (Core.AckVersion == _waitersCheckedAt && now < _waiterDeadlineMs)
            return;
        _waitersCheckedAt = Core.AckVersion;
        var earliest = long.MaxValue;
        var kept = 0;
        for (var i = 0; i < _waiters.Count; i++)
        {
            var waiter = _waiters[i];
            if (TryComplete(waiter))
            {
                waiter.Reply.Reply(waiter.Wrote);
                continue;
            }
            if (now >= waiter.DeadlineMs)
            {
                var (acknowledged, of) = Core.CountAcknowledged(waiter.Trackers);
                waiter.Reply.Fail(new WriteLevelTimeoutException(waiter.Level, acknowledged, of, waiter.Timeout));
                continue;
            }
            earliest = Math.Min(earliest, waiter.DeadlineMs);
            _waiters[kept++] = waiter;
        }
        _waiters.RemoveRange(kept, _waiters.Count - kept);
        _waiterDeadlineMs = earliest;
    }

    private bool TryComplete(Waiter waiter)
    {
        // A write that queued nothing (a delete of an absent key) has nothing to wait for.
        if (waiter.Trackers.Count == 0)
            return true;
        var (acknowledged, of) = Core.CountAcknowledged(waiter.Trackers);
        return waiter.Level == WriteLevel.One ? acknowledged >= 1 : acknowledged >= of;
    }

    private void FailWaiters(ExitReason reason)
    {
        foreach (var waiter in _waiters)
            waiter.Reply.Fail(new ProcessExitedException(Self, reason));
        _waiters.Clear();
        _waiterDeadlineMs = long.MaxValue;
    }

    private sealed class Waiter(WriteLevel level, List<AckTracker> trackers, long deadlineMs, TimeSpan timeout, bool wrote)
    {
        public WriteLevel Level { get; } = level;

        public List<AckTracker> Trackers { get; } = trackers;

        public long DeadlineMs { get; } = deadlineMs;

        public TimeSpan Timeout { get; } = timeout;

        public bool Wrote { get; } = wrote;

        public DeferredReply Reply { get; set; }
    }
}
