using Horde.Net.Cluster.Transport.Protocol;
using MessagePack;

namespace Horde.Net.Cluster.Transport;

// What crosses the connection: sending for local processes, and delivering what the peer sends.
internal sealed partial class PeerConnection
{
    public void Send(Pid target, in Envelope envelope)
    {
        _transport.Codec.CheckRegistered(envelope.Message);
        switch (envelope.Kind)
        {
            case EnvelopeKind.Cast:
                Enqueue(new Outgoing(WireKind.Cast, target.Serial, Payload: envelope.Message));
                break;
            case EnvelopeKind.Info:
                Enqueue(new Outgoing(WireKind.Info, target.Serial, Payload: envelope.Message));
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
            Enqueue(new Outgoing(WireKind.WhereIs, CallId: callId, Text: name));
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

    private void Deliver(Batch batch)
    {
        var codec = _transport.Codec;
        var reader = new MessagePackReader(batch.Envelopes.Memory);
        for (var i = 0; i < batch.Count; i++)
        {
            var kind = (WireKind)reader.ReadByte();
            switch (kind)
            {
                case WireKind.Cast or WireKind.Info:
                    {
                        var target = reader.ReadInt64();
                        var message = codec.ReadPayload(ref reader) ?? throw new ProtocolViolationException("a message without a payload");
                        if (message is Down down && !ForgetMonitor(down.Ref))
                            break; // demonitored meanwhile: no Down after Demonitor
                        if (_node.TryGetLocal(target, out var process))
                            process.Post(new Envelope(kind == WireKind.Cast ? EnvelopeKind.Cast : EnvelopeKind.Info, message));
                        break;
                    }
                case WireKind.Call:
                    {
                        var target = reader.ReadInt64();
                        var callId = reader.ReadInt64();
                        var message = codec.ReadPayload(ref reader) ?? throw new ProtocolViolationException("a call without a payload");
                        var envelope = new Envelope(EnvelopeKind.Call, message, this, callId);
                        if (!_node.TryGetLocal(target, out var process) || !process.Post(envelope))
                            envelope.Fail(new ProcessExitedException(new Pid(_node.Name, _node.Incarnation, target), ExitReason.NoProc));
                        break;
                    }
                case WireKind.Reply:
                    {
                        var callId = reader.ReadInt64();
                        var value = codec.ReadPayload(ref reader);
                        if (_pendingCalls.TryRemove(callId, out var pending))
                            pending.Sink.Reply(callId, value);
                        break;
                    }
                case WireKind.ReplyError:
                    {
                        var callId = reader.ReadInt64();
                        var callee = RemotePid(reader.ReadInt64());
                        var errorKind = (ReplyErrorKind)reader.ReadByte();
                        var reasonKind = reader.ReadString();
                        var detail = reader.ReadString();
                        var text = reader.ReadString();
                        Exception error = errorKind switch
                        {
                            ReplyErrorKind.Exited => new ProcessExitedException(callee, ExitReason.Custom(reasonKind ?? "unknown", detail)),
                            ReplyErrorKind.Unhandled => new UnhandledMessageException(callee, text ?? "?"),
                            _ => new RemoteCallException(text ?? "?", detail ?? ""),
                        };
                        if (_pendingCalls.TryRemove(callId, out var pending))
                            pending.Sink.Fail(callId, error);
                        break;
                    }
                case WireKind.ExitSignal:
                    {
                        var target = reader.ReadInt64();
                        var from = reader.ReadInt64();
                        var reason = ExitReason.Custom(reader.ReadString() ?? "unknown", reader.ReadString());
                        var linked = reader.ReadBoolean();
                        if (linked)
                            lock (_sync)
                                _links.Remove((target, from));
                        if (_node.TryGetLocal(target, out var process))
                            process.OnExitSignal(from < 0 ? null : RemotePid(from), reason, linked);
                        break;
                    }
                case WireKind.Link:
                    {
                        var target = reader.ReadInt64();
                        var from = reader.ReadInt64();
                        var remote = RemotePid(from);
                        if (_node.TryGetLocal(target, out var process) && process.AddLink(remote))
                        {
                            lock (_sync)
                                _links.Add((target, from));
                        }
                        else
                        {
                            _outbox.Writer.TryWrite(new Outgoing(WireKind.ExitSignal, from, target, Reason: ExitReason.NoProc, Flag: true));
                        }
                        break;
                    }
                case WireKind.Unlink:
                    {
                        var target = reader.ReadInt64();
                        var from = reader.ReadInt64();
                        lock (_sync)
                            _links.Remove((target, from));
                        if (_node.TryGetLocal(target, out var process))
                            process.RemoveLink(RemotePid(from));
                        break;
                    }
                case WireKind.Monitor:
                    {
                        var target = reader.ReadInt64();
                        var watcher = RemotePid(reader.ReadInt64());
                        var monitor = new MonitorRef(watcher, new Pid(_node.Name, _node.Incarnation, target, _node), reader.ReadInt64());
                        if (_node.TryGetLocal(target, out var process) && process.AddWatcher(monitor))
                        {
                            lock (_sync)
                                _watchersIn.Add(monitor);
                        }
                        else
                        {
                            _outbox.Writer.TryWrite(new Outgoing(WireKind.Info, watcher.Serial, Payload: new Down(monitor, monitor.Target, ExitReason.NoProc)));
                        }
                        break;
                    }
                case WireKind.Demonitor:
                    {
                        var target = reader.ReadInt64();
                        var watcher = RemotePid(reader.ReadInt64());
                        var monitor = new MonitorRef(watcher, new Pid(_node.Name, _node.Incarnation, target, _node), reader.ReadInt64());
                        lock (_sync)
                            _watchersIn.Remove(monitor);
                        if (_node.TryGetLocal(target, out var process))
                            process.RemoveWatcher(monitor);
                        break;
                    }
                case WireKind.WhereIs:
                    {
                        var callId = reader.ReadInt64();
                        var name = reader.ReadString() ?? "";
                        _outbox.Writer.TryWrite(new Outgoing(WireKind.WhereIsReply, _node.WhereIs(name)?.Serial ?? -1, CallId: callId));
                        break;
                    }
                case WireKind.WhereIsReply:
                    {
                        var callId = reader.ReadInt64();
                        var serial = reader.ReadInt64();
                        if (_pendingWhereIs.TryGetValue(callId, out var answer))
                            answer.TrySetResult(serial < 0 ? null : RemotePid(serial));
                        break;
                    }
                default:
                    throw new ProtocolViolationException($"unknown envelope kind {(byte)kind}");
            }
        }
        if (!reader.End)
            throw new ProtocolViolationException("a batch longer than its count");
    }

    /// <summary>True if the monitor was still held, and forgets it: its Down may be delivered.</summary>
    private bool ForgetMonitor(MonitorRef monitor)
    {
        if (!monitor.Watcher.IsOn(_node))
            return true;
        lock (_sync)
            return _monitorsOut.Remove(monitor.Id);
    }
}
