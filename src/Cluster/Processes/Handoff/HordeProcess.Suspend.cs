using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

// Suspension for handoff. A suspended process keeps its scheduling word at "scheduled" without being on the thread
// pool, so a post only queues: its mailbox is the queue of held envelopes, in arrival order. Resume puts it back on the
// pool; forwarding drains the mailbox to the successor under one lock (so two drainers can never reorder it), on
// whichever thread posts, until the process exits as moved.
public abstract partial class HordeProcess
{
    private const int Running = 0, SuspendRequested = 1, Suspended = 2, Forwarding = 3;
    private int _suspendState;
    private TaskCompletionSource<Suspension>? _suspendWaiter;
    private Suspension? _suspension;
    private Pid? _successor;
    private readonly object _forwardGate = new();
    private long _lastForwardTick;
    private ReadOnlyMemory<byte>? _restoredState;

    internal void SetRestoredState(ReadOnlyMemory<byte> bytes) => _restoredState = bytes;

    /// <summary>Before init's user part: the state handed off to this process, if any.</summary>
    private void RestoreHandedOffState()
    {
        if (_restoredState is { } bytes)
        {
            _restoredState = null;
            RestoreState(bytes);
        }
    }

    internal Task<Suspension> RequestSuspend()
    {
        var waiter = new TaskCompletionSource<Suspension>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            if (_state != Alive)
                throw new ProcessExitedException(Self, _exitReason ?? ExitReason.NoProc);
            if (_suspendState != Running)
                throw new InvalidOperationException($"Process {Self} is already suspended.");
            _suspendWaiter = waiter;
            Interlocked.Exchange(ref _suspendState, SuspendRequested); // a full fence before the scheduling word is read
        }
        // An idle process is woken to reach its boundary; a running one sees the request before its next message.
        if (Volatile.Read(ref _scheduling) == Idle && Interlocked.CompareExchange(ref _scheduling, Scheduled, Idle) == Idle)
            Schedule(preferLocal: false);
        return waiter.Task;
    }

    /// <summary>After a timeout: true if the request was withdrawn before the process got to it.</summary>
    internal bool TryCancelSuspend()
    {
        if (Interlocked.CompareExchange(ref _suspendState, Running, SuspendRequested) != SuspendRequested)
            return false;
        Interlocked.Exchange(ref _suspendWaiter, null);
        return true;
    }

    private bool SuspendPending => Volatile.Read(ref _suspendState) == SuspendRequested;

    /// <summary>
    /// At a message boundary, on the process's thread: true when the process must not handle messages now (it just
    /// suspended, or it is suspended or forwarding). The state is captured first, so a state that cannot be serialized
    /// fails the suspension and the process simply goes on.
    /// </summary>
    private bool HoldsMessages()
    {
        var state = Volatile.Read(ref _suspendState);
        if (state == Running)
            return false;
        if (state != SuspendRequested)
            return true;
        ReadOnlyMemory<byte>? captured = null;
        var version = StateVersion;
        if (HasState)
        {
            try
            {
                captured = CaptureState();
            }
            catch (Exception e)
            {
                if (TryCancelSuspendAfter(out var failed))
                    failed?.TrySetException(new InvalidOperationException($"The state of {Self} ({GetType().Name}) could not be serialized: {e.Message}", e));
                return false;
            }
        }
        if (Interlocked.CompareExchange(ref _suspendState, Suspended, SuspendRequested) != SuspendRequested)
            return false; // withdrawn by a timeout meanwhile
        var suspension = new Suspension(this, Self, captured, version);
        _suspension = suspension;
        if (Interlocked.Exchange(ref _suspendWaiter, null) is { } waiter)
            waiter.TrySetResult(suspension);
        return true;
    }

    private bool TryCancelSuspendAfter(out TaskCompletionSource<Suspension>? waiter)
    {
        waiter = null;
        if (Interlocked.CompareExchange(ref _suspendState, Running, SuspendRequested) != SuspendRequested)
            return false;
        waiter = Interlocked.Exchange(ref _suspendWaiter, null);
        return true;
    }

    /// <summary>When the process dies: a suspension still being waited for fails.</summary>
    private void FailSuspendWaiter(ExitReason reason) =>
        Interlocked.Exchange(ref _suspendWaiter, null)?.TrySetException(new ProcessExitedException(Self, reason));

    private bool TryDecide(int next)
    {
        if (Interlocked.CompareExchange(ref _suspendState, next, Suspended) == Suspended)
            return true;
        return false;
    }

    internal void ResumeSuspended()
    {
        if (!TryDecide(Running))
            return;
        if (IsAlive)
            Schedule(preferLocal: false); // the scheduling word is still "scheduled": this turn is the one it owes
    }

    internal void AbandonSuspended(ExitReason reason)
    {
        if (TryDecide(Running))
            Die(reason); // the held calls fail with the reason, as queued calls of any dying process
    }

    internal void ForwardSuspended(Pid successor, TimeSpan quietPeriod, TimeSpan maxWindow)
    {
        Volatile.Write(ref _successor, successor);
        Volatile.Write(ref _lastForwardTick, Environment.TickCount64);
        if (!TryDecide(Forwarding))
            return;
        ForwardQueued();
        if (IsAlive)
            _ = ExitWhenQuietAsync(successor, quietPeriod, maxWindow);
    }

    private bool IsForwarding => Volatile.Read(ref _suspendState) == Forwarding;

    /// <summary>Sends everything queued to the successor, in order; any thread, one at a time.</summary>
    private void ForwardQueued()
    {
        var successor = Volatile.Read(ref _successor)!;
        lock (_forwardGate)
        {
            var forwarded = false;
            while (_mailbox.TryRead(out var envelope))
            {
                forwarded = true;
                Forward(successor, envelope);
            }
            if (forwarded)
                Volatile.Write(ref _lastForwardTick, Environment.TickCount64);
        }
    }

    private void Forward(Pid successor, in Envelope envelope)
    {
        switch (envelope.Message)
        {
            case CaptureRequest:
                AnswerCapture(envelope, _suspension!);
                return;
            case Down or Exit or StopRequest:
                return; // about this process's own links, monitors and life: nothing the successor set up
        }
        if (envelope.Kind == EnvelopeKind.Call && !successor.IsOn(Node) && envelope.ReplyTo is { } sink)
        {
            // A connection keys its pending calls by call id, unique only on the node that made it: a call relayed from
            // another node gets an id of this node, mapped back to the original when the successor answers.
            var relayed = new RelayedReply(sink, envelope.CallId);
            Node.Route(successor, new Envelope(EnvelopeKind.Call, envelope.Message, relayed, CallIds.Next()));
            return;
        }
        Node.Route(successor, envelope);
    }

    private async Task ExitWhenQuietAsync(Pid successor, TimeSpan quietPeriod, TimeSpan maxWindow)
    {
        try
        {
            var quiet = (long)quietPeriod.TotalMilliseconds;
            var deadline = Environment.TickCount64 + (long)maxWindow.TotalMilliseconds;
            var tick = TimeSpan.FromMilliseconds(Math.Clamp(quiet / 4, 5, 100));
            while (IsAlive)
            {
                var now = Environment.TickCount64;
                if (now >= deadline || (_mailbox.IsEmpty && now - Volatile.Read(ref _lastForwardTick) >= quiet))
                    break;
                await Task.Delay(tick);
            }
            Die(ExitReason.Moved(successor)); // what raced in before the close is forwarded by the final drain
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Process {Pid} ({Type}) failed while forwarding to {Successor}.", Self, GetType().Name, successor);
            Die(ExitReason.Moved(successor));
        }
    }

    private static void AnswerCapture(in Envelope envelope, Suspension suspension)
    {
        if (suspension.State is { } state)
            envelope.Reply(new StateCapture(suspension.StateVersion, state));
        else
            envelope.Fail(new InvalidOperationException($"Process {suspension.Pid} has no state to capture."));
    }

    private void RunCapture(in Envelope envelope)
    {
        StateCapture capture;
        try
        {
            capture = new StateCapture(StateVersion, CaptureState());
        }
        catch (Exception e)
        {
            envelope.Fail(new InvalidOperationException($"The state of {Self} ({GetType().Name}) could not be serialized: {e.Message}", e));
            return;
        }
        envelope.Reply(capture);
    }
}

/// <summary>Asks a process for its serialized state between two messages; sent as a call, so death and timeouts answer it.</summary>
internal sealed class CaptureRequest
{
    public static readonly CaptureRequest Instance = new();
}

/// <summary>Maps the answer to a call relayed under a new id back to the original caller's sink and id.</summary>
internal sealed class RelayedReply(IReplySink original, long originalCallId) : IReplySink
{
    public void Reply(long callId, object? value) => original.Reply(originalCallId, value);

    public void Fail(long callId, Exception error) => original.Fail(originalCallId, error);

    public bool IsPending(long callId) => original.IsPending(originalCallId);
}
