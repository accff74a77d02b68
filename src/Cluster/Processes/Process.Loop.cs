using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

// The life of a process: init, the message loop, terminate, and death (which tells links, monitors and the node).
public abstract partial class Process
{
    private async Task RunAsync()
    {
        var started = _started!;
        _started = null;
        try
        {
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
            return; // the starter gave up waiting and killed us

        var (reason, terminate, crashedCall) = await LoopAsync();
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
        crashedCall.Fail(new ProcessExitedException(Self, reason));
        FailQueuedCalls();
    }

    private void FailStart(TaskCompletionSource<Pid> started, ExitReason reason)
    {
        Die(reason);
        started.TrySetException(new ProcessStartException(GetType(), reason));
        FailQueuedCalls();
    }

    private async ValueTask<(ExitReason Reason, bool Terminate, Envelope CrashedCall)> LoopAsync()
    {
        var reader = _mailbox.Reader;
        while (true)
        {
            while (reader.TryRead(out var envelope))
            {
                if (!IsAlive)
                {
                    FailCall(envelope);
                    return (_exitReason!, false, default);
                }
                try
                {
                    var handled = Dispatch(envelope);
                    if (handled.IsCompletedSuccessfully)
                        handled.GetAwaiter().GetResult();
                    else
                        await handled;
                }
                catch (Exception e)
                {
                    return (ExitReason.Error(e), true, envelope);
                }
                if (_stopRequest is { } stop)
                    return (stop, true, default);
            }
            if (!IsAlive || !await reader.WaitToReadAsync())
                return (_exitReason ?? ExitReason.NoProc, false, default);
        }
    }

    private ValueTask Dispatch(in Envelope envelope)
    {
        switch (envelope.Kind)
        {
            case EnvelopeKind.Cast:
                return HandleCastAsync(envelope.Message);
            case EnvelopeKind.Call:
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
        _currentCall = call;
        _replyDeferred = false;
        object? reply;
        try
        {
            reply = await HandleCallAsync(call.Message);
        }
        catch (UnhandledMessageException unhandled)
        {
            Logger.LogWarning("Process {Pid} ({Type}) was called with an unhandled {MessageType}.", Self, GetType().Name, unhandled.MessageTypeName);
            call.Fail(unhandled);
            return;
        }
        finally
        {
            _currentCall = default;
        }
        if (_replyDeferred)
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
        lock (_sync)
        {
            if (_state != Alive)
                return false;
            _state = Dying;
            links = _links;
            watchers = _watchers;
            _links = null;
            _watchers = null;
        }
        _mailbox.Writer.TryComplete();
        _exitReason = reason;
        Volatile.Write(ref _state, Dead);
        _stopping?.Cancel();

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
        while (_mailbox.Reader.TryRead(out var envelope))
            FailCall(envelope);
    }

    private void FailCall(in Envelope envelope) =>
        envelope.Fail(new ProcessExitedException(Self, _exitReason ?? ExitReason.NoProc));
}

/// <summary>A handler's answer that fails the caller instead of replying.</summary>
internal sealed record ErrorReply(Exception Error);

/// <summary>Asks a process to stop after the messages before it, running terminate.</summary>
internal sealed record StopRequest(ExitReason Reason);
