using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Horde.Net.Cluster;

/// <summary>
/// The caller's side of one call: a pooled, reusable awaitable with its own timer, so that a call allocates nothing in
/// the steady state. One 64-bit state word holds the call id and a completed bit: a reply, a failure, a timeout or a
/// cancellation completes the call only if it is still that call and still pending, so a late reply can never answer a
/// later call that reuses this object.
/// </summary>
internal sealed class ReplySource<T> : IReplySink, IValueTaskSource<T>
{
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<ReplySource<T>> s_pool = new();

    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };
    private readonly Timer _timer;
    private long _state; // (call id << 1) | completed
    private long _deadline;
    private TimeSpan _timeout;
    private CancellationTokenRegistration _cancellation;

    private ReplySource()
    {
        _timer = new Timer(static s => ((ReplySource<T>)s!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public long CallId => _state >> 1;

    public ValueTask<T> Task => new(this, _core.Version);

    public bool IsPending(long callId) => Volatile.Read(ref _state) == callId << 1;

    public static ReplySource<T> Rent(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!s_pool.TryDequeue(out var source))
            source = new ReplySource<T>();
        source._core.Reset();
        var id = CallIds.Next();
        source._timeout = timeout;
        source._deadline = Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        Volatile.Write(ref source._state, id << 1);
        source._timer.Change(timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
            source._cancellation = cancellationToken.UnsafeRegister(static (s, token) => ((ReplySource<T>)s!).OnCancelled(token), source);
        return source;
    }

    public void Reply(long callId, object? value)
    {
        if (value is T reply)
            Complete(callId, reply);
        else if (value is null && default(T) is null)
            Complete(callId, default!);
        else
            Fail(callId, new InvalidCastException(
                $"The reply is a {value?.GetType().FullName ?? "null"}, not the {typeof(T).FullName} the caller asked for."));
    }

    private void Complete(long callId, T reply)
    {
        if (TryClaim(callId))
            _core.SetResult(reply);
    }

    public void Fail(long callId, Exception error)
    {
        if (TryClaim(callId))
            _core.SetException(error);
    }

    private bool TryClaim(long callId)
    {
        var pending = callId << 1;
        if (Interlocked.CompareExchange(ref _state, pending | 1, pending) != pending)
            return false;
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        _cancellation.Dispose();
        _cancellation = default;
        return true;
    }

    private void OnTimer()
    {
        var state = Volatile.Read(ref _state);
        // A timer armed for an earlier use of this object may fire late; only the current call's deadline counts.
        if ((state & 1) == 0 && Environment.TickCount64 >= Volatile.Read(ref _deadline))
            Fail(state >> 1, new TimeoutException($"No reply within {_timeout.TotalMilliseconds:0} ms."));
    }

    private void OnCancelled(CancellationToken token)
    {
        var state = Volatile.Read(ref _state);
        if ((state & 1) == 0)
            Fail(state >> 1, new OperationCanceledException(token));
    }

    public T GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            if (s_pool.Count < MaxPooled)
                s_pool.Enqueue(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>Call ids unique on this node, whatever the reply type, so that a connection can key pending calls by id.</summary>
internal static class CallIds
{
    private static long s_last;

    public static long Next() => Interlocked.Increment(ref s_last);
}
