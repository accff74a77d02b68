using Microsoft.Extensions.Logging;
namespace Horde.Net.Cluster.Transport;

// What local processes send across the connection, and the answers to calls that came in on it.
internal sealed partial class PeerConnection
{
    /// <summary>
    /// Sends a message. Payloads are encoded here, on the sender's thread, so the queue is bounded by real bytes. A cast
    /// or plain message never throws: one that cannot be encoded, or finds the queue full, is dropped, counted and
    /// logged, as one to a dead process is dropped (a Down sent from a dying process's cleanup must not throw there).
    /// A call fails at once instead.
    /// </summary>
    public void Send(Pid target, in Envelope envelope)
    {
        var isCall = envelope.Kind == EnvelopeKind.Call;
        if (!TryEncode(envelope.Message, out var typeId, out var bytes, out var error))
        {
            if (isCall)
                envelope.Fail(error);
            else
                Dropped(envelope.Message, error, _transport.Drops.CountUnregistered());
            return;
        }
        if (!TryReserve(bytes.Length))
        {
            if (isCall)
                envelope.Fail(new OutboundQueueFullException(Peer, _node.Options.MaxOutboundQueueBytes));
            else
                Dropped(envelope.Message, null, _transport.Drops.CountQueueFull());
            return;
        }
        var kind = envelope.Kind switch { EnvelopeKind.Cast => WireKind.Cast, EnvelopeKind.Info => WireKind.Info, _ => WireKind.Call };
        string? traceparent = null;
        if (isCall)
        {
            _pendingCalls[envelope.CallId] = (envelope.ReplyTo!, target.Serial);
            traceparent = StartClientSpan(envelope.CallId, envelope.Message);
            if (traceparent is not null && Protocol >= NodeTransport.TracedCallSince)
                kind = WireKind.TracedCall;
            else
                traceparent = null; // a peer of an older build would refuse the frame kind: the trace stops at this node
        }
        if (!_outbox.Writer.TryWrite(new Outgoing(kind, target.Serial, CallId: envelope.CallId, Text: traceparent, TypeId: typeId, Bytes: bytes)))
        {
            Release(bytes.Length);
            EndClientSpan(envelope.CallId, "not sent");
            if (isCall && _pendingCalls.TryRemove(envelope.CallId, out _))
                envelope.Fail(new ProcessExitedException(target, ExitReason.NoConnection));
        }
    }

    /// <summary>Bytes of messages queued and not yet written, for tests and metrics.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    private bool TryEncode(object? payload, out int typeId, out byte[] bytes, out Exception error)
    {
        error = null!;
        try
        {
            (typeId, bytes) = _transport.Codec.SerializePayload(payload);
            if (bytes.Length <= _node.Options.MaxFrameBytes - 1024)
                return true;
            error = new InvalidOperationException($"A {payload!.GetType().Name} of {bytes.Length} bytes exceeds the frame limit of {_node.Options.MaxFrameBytes} bytes.");
        }
        catch (Exception e)
        {
            error = e;
        }
        typeId = 0;
        bytes = [];
        return false;
    }

    // Every queued payload counts its bytes plus a little for the envelope around it, until the writer takes it.
    private const int EnvelopeOverhead = 32;

    private bool TryReserve(int payloadBytes)
    {
        var size = payloadBytes + EnvelopeOverhead;
        if (Interlocked.Add(ref _queuedBytes, size) <= _node.Options.MaxOutboundQueueBytes)
            return true;
        Interlocked.Add(ref _queuedBytes, -size);
        return false;
    }

    private void Release(int payloadBytes) => Interlocked.Add(ref _queuedBytes, -(payloadBytes + EnvelopeOverhead));

    private void Dropped(object message, Exception? error, long count)
    {
        // The first drop and then one in ten thousand are logged: a sender in a loop must not flood the log.
        if (count == 1 || count % 10_000 == 0)
            TransportLog.Dropped(_logger, error, message.GetType().FullName, Peer, error?.Message ?? "the queue to that node is full", count);
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

    // A call from the peer is answered through the connection it came on; a reply that cannot be encoded, or finds the
    // queue full, becomes a (small, unbounded) error reply, so the caller fails instead of timing out.
    void IReplySink.Reply(long callId, object? value)
    {
        EndServerSpan(callId);
        if (!TryEncode(value, out var typeId, out var bytes, out var error))
            ((IReplySink)this).Fail(callId, new InvalidOperationException($"the reply could not be sent: {error.Message}", error));
        else if (!TryReserve(bytes.Length))
            ((IReplySink)this).Fail(callId, new OutboundQueueFullException(_node.Name, _node.Options.MaxOutboundQueueBytes));
        else if (!_outbox.Writer.TryWrite(new Outgoing(WireKind.Reply, CallId: callId, TypeId: typeId, Bytes: bytes)))
            Release(bytes.Length);
    }

    void IReplySink.Fail(long callId, Exception error)
    {
        EndServerSpan(callId, error.Message);
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
