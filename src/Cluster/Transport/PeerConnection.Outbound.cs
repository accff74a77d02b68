namespace Horde.Net.Cluster.Transport;

// What local processes send across the connection, and the answers to calls that came in on it.
internal sealed partial class PeerConnection
{
    public void Send(Pid target, in Envelope envelope)
    {
        _transport.Codec.CheckRegistered(envelope.Message);
        switch (envelope.Kind)
        {
            // A cast or plain message never fails: on a connection already closing it is dropped, as one to a dead
            // process is (a Down sent from a dying process's cleanup must not throw there).
            case EnvelopeKind.Cast:
                _outbox.Writer.TryWrite(new Outgoing(WireKind.Cast, target.Serial, Payload: envelope.Message));
                break;
            case EnvelopeKind.Info:
                _outbox.Writer.TryWrite(new Outgoing(WireKind.Info, target.Serial, Payload: envelope.Message));
                break;
            default:
                _pendingCalls[envelope.CallId] = (envelope.ReplyTo!, target.Serial);
                if (!_outbox.Writer.TryWrite(new Outgoing(WireKind.Call, target.Serial, CallId: envelope.CallId, Payload: envelope.Message))
                    && _pendingCalls.TryRemove(envelope.CallId, out _))
                    envelope.Fail(new ProcessExitedException(target, ExitReason.NoConnection));
                break;
        }
    }

    public void SendExitSignal(Pid target, Pid? from, ExitReason reason, bool linked)
    {
        if (linked && from is not null)
            lock (_sync)
                _links.Remove((from.Serial, target.Serial));
        _outbox.Writer.TryWrite(new Outgoing(WireKind.ExitSignal, target.Serial, from?.Serial ?? -1, Reason: reason, Flag: linked));
    }

    public bool Link(Pid local, Pid remote)
    {
        lock (_sync)
            _links.Add((local.Serial, remote.Serial));
        return _outbox.Writer.TryWrite(new Outgoing(WireKind.Link, remote.Serial, local.Serial));
    }

    public void Unlink(Pid local, Pid remote)
    {
        lock (_sync)
            _links.Remove((local.Serial, remote.Serial));
        _outbox.Writer.TryWrite(new Outgoing(WireKind.Unlink, remote.Serial, local.Serial));
    }

    public bool Monitor(MonitorRef monitor)
    {
        lock (_sync)
            _monitorsOut[monitor.Id] = monitor;
        return _outbox.Writer.TryWrite(new Outgoing(WireKind.Monitor, monitor.Target.Serial, monitor.Watcher.Serial, monitor.Id));
    }

    public void Demonitor(MonitorRef monitor)
    {
        lock (_sync)
            _monitorsOut.Remove(monitor.Id);
        _outbox.Writer.TryWrite(new Outgoing(WireKind.Demonitor, monitor.Target.Serial, monitor.Watcher.Serial, monitor.Id));
    }

    public async Task<Pid?> WhereIsAsync(string name, TimeSpan timeout)
    {
        var callId = CallIds.Next();
        var answer = new TaskCompletionSource<Pid?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingWhereIs[callId] = answer;
        try
        {
            if (!_outbox.Writer.TryWrite(new Outgoing(WireKind.WhereIs, CallId: callId, Text: name)))
                throw new InvalidOperationException($"Node {Peer} disconnected.");
            return await answer.Task.WaitAsync(timeout);
        }
        finally
        {
            _pendingWhereIs.TryRemove(callId, out _);
        }
    }

    // A call from the peer is answered through the connection it came on.
    void IReplySink.Reply(long callId, object? value) =>
        _outbox.Writer.TryWrite(new Outgoing(WireKind.Reply, CallId: callId, Payload: value));

    void IReplySink.Fail(long callId, Exception error)
    {
        var reply = error switch
        {
            ProcessExitedException exited => new Outgoing(WireKind.ReplyError, exited.Pid.Serial, (long)ReplyErrorKind.Exited, callId, Reason: exited.Reason),
            UnhandledMessageException unhandled => new Outgoing(WireKind.ReplyError, From: (long)ReplyErrorKind.Unhandled, CallId: callId, Text: unhandled.MessageTypeName),
            _ => new Outgoing(WireKind.ReplyError, From: (long)ReplyErrorKind.Failed, CallId: callId, Reason: ExitReason.Custom("error", error.Message), Text: error.GetType().FullName),
        };
        _outbox.Writer.TryWrite(reply);
    }

    bool IReplySink.IsPending(long callId) => !IsClosed;
}
