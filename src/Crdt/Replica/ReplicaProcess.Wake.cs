namespace Horde.Net.Crdt;

/// <summary>
/// The replica's one timer, set after every message to the earliest moment something is due (the core's next round,
/// resend, session timeout or snapshot; a hello retry; a write waiter's deadline) instead of firing every tick: an
/// idle replica wakes once per sync interval, for its round.
/// </summary>
internal sealed partial class ReplicaProcess<TKey, TValue>
{
    private long _wakeAtMs = long.MinValue; // when the timer is set to fire; in the past once it has fired
    private long _lastTickMs = long.MinValue / 2;

    private void ScheduleWake()
    {
        if (_ticker is null)
            return;
        var now = Now;
        var due = Math.Min(Core.NextWakeMs(now), Math.Min(NextHelloRetryMs(), NextWaiterDeadlineMs()));
        if (due == long.MaxValue || (_wakeAtMs > now && _wakeAtMs <= due))
            return; // nothing due, or the timer already fires in time (a wake with nothing to do only asks again)

        // Never more often than the tick interval: a burst of messages is served by one tick, as when this was a poll.
        var at = Math.Max(due, _lastTickMs + (long)host.TickInterval.TotalMilliseconds);
        var delay = Math.Max(at - now, 1);
        _wakeAtMs = now + delay;
        _ticker.Change(delay, Timeout.Infinite);
    }

    private long NextHelloRetryMs()
    {
        var due = long.MaxValue;
        foreach (var (at, wait) in _helloRetries.Values)
            due = Math.Min(due, at + (long)wait.TotalMilliseconds);
        return due;
    }

    private long NextWaiterDeadlineMs() => _waiters.Count == 0 ? long.MaxValue : _waiterDeadlineMs;
}
