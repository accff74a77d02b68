using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

// The life of a process: init, the message loop, terminate, and death (which tells links, monitors and the node).
public abstract partial class HordeProcess
{
    // Scheduling: a process is either idle (nothing queued, not on the thread pool) or scheduled (queued on the thread
    // pool, or running). Whoever moves it from idle to scheduled queues it, preferring the current thread's local
    // queue: a process woken by a message it just got usually runs next on the same thread, without a cross-thread
    // wake-up. After Throughput messages it yields the thread, so one busy process cannot starve the others.
    private const int Throughput = 100;
    private const int Idle = 0, Scheduled = 1;
    private int _scheduling = Scheduled; // scheduled from birth: init runs first, then whatever arrived meanwhile
    private bool _initialized;

    internal bool Post(in Envelope envelope)
    {
        if (!_mailbox.TryWrite(envelope))
            return false;
        if (_mailbox.IsClosed)
        {
            FailQueuedCalls(); // raced with death: whoever drained may have missed this one
            return true;
        }
        if (IsForwarding)
        {
            ForwardQueued(); // the process moved: whoever posts carries the message on to the successor
            return true;
        }
        if (Volatile.Read(ref _scheduling) == Idle && Interlocked.CompareExchange(ref _scheduling, Scheduled, Idle) == Idle)
            Schedule(preferLocal: true);
        return true;
    }

    /// <summary>Queues the process's turn on the thread pool; if that fails, the process ends rather than waiting for a turn that never comes.</summary>
    internal void Schedule(bool preferLocal)
    {
        try
        {
            FaultInjection?.Invoke(MachineryPoint.Schedule);
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal);
        }
        catch (Exception e)
        {
            FailMachinery("scheduling its turn", e);
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        try
        {
            if (_initialized)
                RunMessages();
            else
                _ = RunInitAsync(_started!);
        }
        catch (Exception e)
        {
            FailMachinery("running its turn", e);
        }
    }

    private async Task RunInitAsync(TaskCompletionSource<Pid> started)
    {
        _initialized = true;
        _started = null;
        try
        {
            try
            {
                RestoreHandedOffState();
                await InitAsync();
            }
            catch (Exception e)
            {
                FailStart(started, ExitReason.Error(e));
                return;
            }
            if (_stopRequest is { } refused)
            {
                FailStart(started, refused);
                return;
            }
            if (!started.TrySetResult(Self))
            {
                FailQueuedCalls(); // the starter gave up waiting and killed us
                return;
            }
            RunMessages();
        }
        catch (Exception e)
        {
            FailMachinery("starting", e);
        }
    }

    /// <summary>
    /// The runtime's own code failed around this process (not a handler, whose exceptions are crashes): the process
    /// ends with the failure as its reason, logged, so that nothing waits on a process that will never run again.
    /// </summary>
    private void FailMachinery(string what, Exception e)
    {
        var reason = ExitReason.Error(new InvalidOperationException($"The runtime failed while {what}: {e.Message}", e));
        Logger.LogCritical(e, "Process {Pid} ({Type}) ends: the runtime failed while {What}.", Self, GetType().Name, what);
        Die(reason);
        FailQueuedCalls();
        _started?.TrySetException(new ProcessStartException(GetType(), reason)); // it never got to init
    }

    /// <summary>For tests: runs at a point of the runtime's machinery, where a throw stands for a failure of it.</summary>
    internal Action<MachineryPoint>? FaultInjection { get; set; }

    private void FailStart(TaskCompletionSource<Pid> started, ExitReason reason)
    {
        Die(reason);
        started.TrySetException(new ProcessStartException(GetType(), reason));
        FailQueuedCalls();
    }

    /// <summary>Handles messages until the mailbox is empty, the batch is done, a handler must be awaited, or the process ends.</summary>
    private void RunMessages()
    {
        Envelope inHand = default; // read but not yet handed to a handler: a failure here must still answer it
        try
        {
            for (var handled = 0; handled < Throughput; handled++)
            {
                if (HoldsMessages())
                    return; // suspended for a handoff: the scheduling word stays "scheduled" until it is decided
                if (!_mailbox.TryRead(out var envelope))
                {
                    // Idle, unless something arrived between the failed read and the state change. The exchange is a full
                    // fence: the peek below cannot be reordered before it, so a writer that saw "scheduled" left an item
                    // the peek sees (and a suspender that saw "scheduled" left a request it sees).
                    Interlocked.Exchange(ref _scheduling, Idle);
                    if ((_mailbox.IsEmpty && !SuspendPending) || Interlocked.CompareExchange(ref _scheduling, Scheduled, Idle) != Idle)
                        return;
                    continue;
                }
                inHand = envelope;
                if (!IsAlive)
                {
                    FailCall(envelope);
                    FailQueuedCalls();
                    return;
                }
                FaultInjection?.Invoke(MachineryPoint.Loop);
                inHand = default;
                ValueTask handling;
                try
                {
                    handling = Dispatch(envelope);
                    if (handling.IsCompletedSuccessfully)
                        handling.GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    _ = FinishAsync(ExitReason.Error(e), terminate: true, envelope);
                    return;
                }
                if (!handling.IsCompletedSuccessfully)
                {
                    _ = AwaitHandlerAsync(handling, envelope);
                    return;
                }
                if (_stopRequest is { } stop)
                {
                    _ = FinishAsync(stop, terminate: true, default);
                    return;
                }
            }
        }
        catch (Exception e)
        {
            FailMachinery("running its turn", e);
            FailCall(inHand);
            return;
        }
        Schedule(preferLocal: false);
    }

    private async Task AwaitHandlerAsync(ValueTask handling, Envelope envelope)
    {
        try
        {
            try
            {
                await handling;
            }
            catch (Exception e)
            {
                await FinishAsync(ExitReason.Error(e), terminate: true, envelope);
                return;
            }
            if (_stopRequest is { } stop)
                await FinishAsync(stop, terminate: true, default);
            else if (!IsAlive)
                FailQueuedCalls();
            else
                RunMessages();
        }
        catch (Exception e)
        {
            FailMachinery("resuming after a handler", e);
        }
    }

    private async Task FinishAsync(ExitReason reason, bool terminate, Envelope crashedCall)
    {
        try
        {
            if (terminate && IsAlive)
            {
                try
                {
                    await TerminateAsync(reason);
                }
                catch (Exception e)
                {
                    Logger.LogError(e, "Process {Pid} ({Type}) threw in terminate ({Reason}).", Self, GetType().Name, reason);
                }
            }
            Die(reason);
            // The caller whose request crashed the process hears of it only now, when links and monitors have been told:
            // whatever it does next sees the process gone (and, under a supervisor, its restart already queued).
            crashedCall.Fail(new ProcessExitedException(Self, _exitReason ?? reason));
            FailQueuedCalls();
        }
        catch (Exception e)
        {
            FailMachinery("ending", e);
        }
    }

    private ValueTask Dispatch(in Envelope envelope)
    {
        switch (envelope.Kind)
        {
            case EnvelopeKind.Cast:
                return HandleCastAsync(envelope.Message);
            case EnvelopeKind.Call:
                if (envelope.Message is CaptureRequest)
                {
                    RunCapture(envelope);
                    return default;
                }
                return DispatchCallAsync(envelope);
            default:
                if (envelope.Message is StopRequest request)
                {
                    _stopRequest = request.Reason;
                    return default;
                }
                if (envelope.Message is Exit exit && exit.From is { } from && from == _parent)
                {
                    // OTP: a process trapping exits stops, running terminate, when its parent tells it to.
                    _stopRequest = exit.Reason;
                    return default;
                }
                return HandleInfoAsync(envelope.Message);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DispatchCallAsync(Envelope call)
    {
        if (!BeginCall(call))
            return;
        // The handler's own spans nest under the caller's trace; the async method restores the previous current span.
        if (call.ReplyTo?.SpanOf(call.CallId) is { } span)
            Activity.Current = span;
        object? reply;
        try
        {
            reply = await HandleCallAsync(call.Message);
        }
        catch (UnhandledMessageException unhandled)
        {
            Logger.LogWarning("Process {Pid} ({Type}) was called with an unhandled {MessageType}.", Self, GetType().Name, unhandled.MessageTypeName);
            if (EndCall())
                call.Fail(unhandled);
            return;
        }
        catch (Exception) when (!EndCall())
        {
            return; // killed while handling: the caller already has the exit reason and the process is gone
        }
        if (!EndCall() || _replyDeferred)
            return;
        if (reply is ErrorReply error)
            call.Fail(error.Error);
        else
            call.Reply(reply);
    }

    /// <summary>
    /// Ends the process once, whoever gets here first: the loop after terminate, a kill, or an exit signal. Closing the
    /// mailbox before publishing the dead state means every message that got in is seen by the final drain.
    /// </summary>
    internal bool Die(ExitReason reason)
    {
        HashSet<Pid>? links;
        HashSet<MonitorRef>? watchers;
        List<(IReplySink Sink, long CallId)>? unanswered;
        lock (_sync)
        {
            if (_state != Alive)
                return false;
            _exitReason = reason;
            _state = Dying;
            links = _links;
            watchers = _watchers;
            unanswered = TakeUnansweredCalls();
            _links = null;
            _watchers = null;
        }
        _mailbox.Close();
        Volatile.Write(ref _state, Dead);
        _stopping?.Cancel();
        FailSuspendWaiter(reason);
        // As gen_server's callers, who monitor the server: the call being handled, those answered later and those
        // still queued fail now with the reason, not at their timeouts; a handler still running can no longer answer.
        if (unanswered is not null)
        {
            foreach (var (sink, callId) in unanswered)
                sink.Fail(callId, new ProcessExitedException(Self, reason));
        }
        FailQueuedCalls();

        var node = Node;
        node.OnProcessExit(this, reason);
        if (links is not null)
        {
            foreach (var linked in links)
                node.SendExitSignal(linked, Self, reason, linked: true);
        }
        if (watchers is not null)
        {
            foreach (var monitor in watchers)
                node.Route(monitor.Watcher, new Envelope(EnvelopeKind.Info, new Down(monitor, Self, reason)));
        }
        _completion.TrySetResult(reason);
        return true;
    }

    private void FailQueuedCalls()
    {
        if (IsForwarding)
        {
            ForwardQueued(); // a moved process's last messages still go to its successor
            return;
        }
        while (_mailbox.TryRead(out var envelope))
            FailCall(envelope);
    }

    private void FailCall(in Envelope envelope) =>
        envelope.Fail(new ProcessExitedException(Self, _exitReason ?? ExitReason.NoProc));
}

/// <summary>Points of the runtime's machinery where tests inject failures.</summary>
internal enum MachineryPoint
{
    Schedule,
    Loop,
}

/// <summary>A handler's answer that fails the caller instead of replying.</summary>
internal sealed record ErrorReply(Exception Error);

/// <summary>Asks a process to stop after the messages before it, running terminate.</summary>
internal sealed record StopRequest(ExitReason Reason);
