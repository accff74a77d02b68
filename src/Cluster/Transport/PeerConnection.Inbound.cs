using Horde.Net.Cluster.Transport.Protocol;
using MessagePack;

namespace Horde.Net.Cluster.Transport;

// What the peer sends: each envelope of a batch is read and handed to the local process, call or monitor it is for.
// Anything malformed throws, and the read loop closes the connection with the reason.
internal sealed partial class PeerConnection
{
    private void Deliver(Batch batch)
    {
        var reader = new MessagePackReader(batch.Envelopes.Memory);
        for (var i = 0; i < batch.Count; i++)
        {
            var kind = (WireKind)reader.ReadByte();
            switch (kind)
            {
                case WireKind.Cast or WireKind.Info:
                    OnMessage(ref reader, kind);
                    break;
                case WireKind.Call or WireKind.TracedCall:
                    OnCall(ref reader, kind == WireKind.TracedCall);
                    break;
                case WireKind.Reply:
                    OnReply(ref reader);
                    break;
                case WireKind.ReplyError:
                    OnReplyError(ref reader);
                    break;
                case WireKind.ExitSignal:
                    OnExitSignal(ref reader);
                    break;
                case WireKind.Link:
                    OnLink(ref reader);
                    break;
                case WireKind.Unlink:
                    OnUnlink(ref reader);
                    break;
                case WireKind.Monitor:
                    OnMonitor(ref reader);
                    break;
                case WireKind.Demonitor:
                    OnDemonitor(ref reader);
                    break;
                case WireKind.WhereIs:
                    OnWhereIs(ref reader);
                    break;
                case WireKind.WhereIsReply:
                    OnWhereIsReply(ref reader);
                    break;
                default:
                    throw new ProtocolViolationException($"unknown envelope kind {(byte)kind}");
            }
        }
        if (!reader.End)
            throw new ProtocolViolationException("a batch longer than its count");
    }

    private void OnMessage(ref MessagePackReader reader, WireKind kind)
    {
        var target = reader.ReadInt64();
        var message = _transport.Codec.ReadPayload(ref reader) ?? throw new ProtocolViolationException("a message without a payload");
        if (message is Down down && !ForgetMonitor(down.Ref))
            return; // demonitored meanwhile: no Down after Demonitor
        if (_node.TryGetLocal(target, out var process))
            process.Post(new Envelope(kind == WireKind.Cast ? EnvelopeKind.Cast : EnvelopeKind.Info, message));
    }

    private void OnCall(ref MessagePackReader reader, bool traced)
    {
        var target = reader.ReadInt64();
        var callId = reader.ReadInt64();
        if (traced)
            StartServerSpan(callId, reader.ReadString());
        var message = _transport.Codec.ReadPayload(ref reader) ?? throw new ProtocolViolationException("a call without a payload");
        var envelope = new Envelope(EnvelopeKind.Call, message, this, callId);
        if (!_node.TryGetLocal(target, out var process) || !process.Post(envelope))
            envelope.Fail(new ProcessExitedException(new Pid(_node.Name, _node.Incarnation, target), ExitReason.NoProc));
    }

    private void OnReply(ref MessagePackReader reader)
    {
        var callId = reader.ReadInt64();
        var value = _transport.Codec.ReadPayload(ref reader);
        EndClientSpan(callId);
        if (_pendingCalls.TryRemove(callId, out var pending))
            pending.Sink.Reply(callId, value);
    }

    private void OnReplyError(ref MessagePackReader reader)
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
        EndClientSpan(callId, error.Message);
        if (_pendingCalls.TryRemove(callId, out var pending))
            pending.Sink.Fail(callId, error);
    }

    private void OnExitSignal(ref MessagePackReader reader)
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
    }

    private void OnLink(ref MessagePackReader reader)
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
    }

    private void OnUnlink(ref MessagePackReader reader)
    {
        var target = reader.ReadInt64();
        var from = reader.ReadInt64();
        lock (_sync)
            _links.Remove((target, from));
        if (_node.TryGetLocal(target, out var process))
            process.RemoveLink(RemotePid(from));
    }

    private void OnMonitor(ref MessagePackReader reader)
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
            Send(watcher, new Envelope(EnvelopeKind.Info, new Down(monitor, monitor.Target, ExitReason.NoProc)));
        }
    }

    private void OnDemonitor(ref MessagePackReader reader)
    {
        var target = reader.ReadInt64();
        var watcher = RemotePid(reader.ReadInt64());
        var monitor = new MonitorRef(watcher, new Pid(_node.Name, _node.Incarnation, target, _node), reader.ReadInt64());
        lock (_sync)
            _watchersIn.Remove(monitor);
        if (_node.TryGetLocal(target, out var process))
            process.RemoveWatcher(monitor);
    }

    private void OnWhereIs(ref MessagePackReader reader)
    {
        var callId = reader.ReadInt64();
        var name = reader.ReadString() ?? "";
        _outbox.Writer.TryWrite(new Outgoing(WireKind.WhereIsReply, _node.WhereIs(name)?.Serial ?? -1, CallId: callId));
    }

    private void OnWhereIsReply(ref MessagePackReader reader)
    {
        var callId = reader.ReadInt64();
        var serial = reader.ReadInt64();
        if (_pendingWhereIs.TryGetValue(callId, out var answer))
            answer.TrySetResult(serial < 0 ? null : RemotePid(serial));
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
