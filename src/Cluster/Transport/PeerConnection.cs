using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Horde.Net.Cluster.Transport.Protocol;
using MessagePack;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Transport;

/// <summary>
/// One authenticated stream to a peer node. A writer loop drains the outbox into batches; a reader loop delivers what
/// arrives; a heartbeat loop keeps an idle stream alive and declares the peer down when it falls silent. It also keeps
/// what must be undone when the stream goes: calls waiting for replies, links and monitors that cross it.
/// </summary>
internal sealed partial class PeerConnection : IReplySink
{
    private readonly Node _node;
    private readonly NodeTransport _transport;
    private readonly IAsyncStreamReader<Frame> _input;
    private readonly IAsyncStreamWriter<Frame> _output;
    private readonly Func<Task> _completeOutput;
    private readonly IDisposable? _resources;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<long, (IReplySink Sink, long Target)> _pendingCalls = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Pid?>> _pendingWhereIs = new();
    private readonly Lock _sync = new();
    private readonly HashSet<(long Local, long Remote)> _links = [];
    private readonly Dictionary<long, MonitorRef> _monitorsOut = [];
    private readonly HashSet<MonitorRef> _watchersIn = [];
    private long _lastReceived = Environment.TickCount64;
    private long _lastSent = Environment.TickCount64;
    private long _queuedBytes;
    private volatile bool _heartbeatDue;
    private string? _closeReason;
    private NodeDownReason _closeKind;
    private int _closed;

    public PeerConnection(Node node, NodeTransport transport, NodeName peer, ulong peerIncarnation, uint protocol, bool dialed,
        IAsyncStreamReader<Frame> input, IAsyncStreamWriter<Frame> output, Func<Task> completeOutput, IDisposable? resources)
    {
        _node = node;
        _transport = transport;
        Peer = peer;
        PeerIncarnation = peerIncarnation;
        Protocol = protocol;
        Dialed = dialed;
        _input = input;
        _output = output;
        _completeOutput = completeOutput;
        _resources = resources;
        _logger = node.LoggerFactory.CreateLogger<PeerConnection>();
    }

    public NodeName Peer { get; }

    public ulong PeerIncarnation { get; }

    /// <summary>The protocol version both sides speak on this connection (the older of theirs).</summary>
    public uint Protocol { get; }

    /// <summary>True when this node dialed the peer.</summary>
    public bool Dialed { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Set once the transport admitted this connection: its close is then a node-down.</summary>
    public bool Registered { get; set; }

    /// <summary>Bytes of batches written and read, for metrics and benchmarks.</summary>
    public long BytesSent;
    public long BytesReceived;

    /// <summary>Envelopes written and read in batches, for metrics.</summary>
    public long MessagesSent;
    public long MessagesReceived;

    public void Start() => Completion = RunAsync();

    private async Task RunAsync()
    {
        var reading = Task.Run(ReadLoopAsync);
        var writing = Task.Run(WriteLoopAsync);
        var beating = Task.Run(HeartbeatLoopAsync);
        await Task.WhenAny(reading, writing, beating);
        Close(NodeDownReason.ConnectionLost, _closeReason ?? "connection ended");
        try
        {
            // After a goodbye, give the peer a moment to read it and end the stream itself, so that it sees a
            // goodbye and not a reset.
            await writing.WaitAsync(TimeSpan.FromSeconds(1));
            await reading.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (Exception)
        {
            // The writer's own failure was already the close reason, or the peer was slow: tear down anyway.
        }
        await _closing.CancelAsync();
        await Task.WhenAll(reading, beating).ContinueWith(static _ => { }, TaskScheduler.Default);
        _resources?.Dispose();
        CleanUp();
        _transport.OnClosed(this, _closeKind, _closeReason!);
    }

    /// <summary>Closes the connection. A graceful close says goodbye first, so the peer sees this node leave at once.</summary>
    public void Close(NodeDownReason kind, string reason, bool graceful = false)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
            return;
        _closeKind = kind;
        _closeReason = reason;
        _outbox.Writer.TryComplete();
        if (!graceful)
            _closing.Cancel();
    }

    public bool IsClosed => Volatile.Read(ref _closed) == 1;

    private Pid RemotePid(long serial) => new(Peer, PeerIncarnation, serial, _node);

    private async Task WriteLoopAsync()
    {
        var token = _closing.Token;
        var reader = _outbox.Reader;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var batchLimit = Math.Min(1024 * 1024, _node.Options.MaxFrameBytes / 2);
        var maxEnvelopes = _node.Options.MaxBatchEnvelopes;
        Outgoing? carried = null;
        try
        {
            while (carried is not null || await reader.WaitToReadAsync(token))
            {
                // A heartbeat goes ahead of whatever data is queued, so a full queue never makes the peer think us silent.
                if (_heartbeatDue)
                {
                    _heartbeatDue = false;
                    await WriteFrameAsync(new Frame { Heartbeat = NewHeartbeat() }, 0, token);
                }
                if (TryTakeLeaving(out var leaving, out var leavingWritten))
                {
                    await WriteFrameAsync(leaving, 0, token);
                    leavingWritten.TrySetResult();
                }
                buffer.ResetWrittenCount();
                var writer = new MessagePackWriter(buffer);
                var count = 0;
                while (count < maxEnvelopes)
                {
                    Outgoing item;
                    if (carried is { } leftOver)
                    {
                        item = leftOver;
                        carried = null;
                    }
                    else if (!reader.TryRead(out item))
                    {
                        break;
                    }
                    if (item.Kind == 0)
                        continue; // the heartbeat loop's wake-up; the heartbeat itself went first
                    var payload = item.Bytes ?? [];
                    if (count > 0 && buffer.WrittenCount + payload.Length > batchLimit)
                    {
                        carried = item; // starts the next batch
                        break;
                    }
                    if (item.Bytes is not null)
                        Release(payload.Length);
                    EnvelopeCodec.Write(ref writer, item, item.TypeId, payload);
                    count++;
                    writer.Flush();
                }
                writer.Flush();
                if (count == 0)
                    continue;
                await WriteFrameAsync(new Frame { Batch = new Batch { Count = (uint)count, Envelopes = ByteString.CopyFrom(buffer.WrittenSpan) } }, buffer.WrittenCount, token);
                Interlocked.Add(ref MessagesSent, count);
            }
            // The outbox was completed: a graceful close says goodbye and ends our half of the stream. The goodbye
            // tells whether the whole node stops or only this connection ends.
            var stopping = _node.State is NodeState.Leaving or NodeState.Stopped;
            await _output.WriteAsync(new Frame { Goodbye = new Goodbye { Reason = _closeReason ?? "", Stopping = stopping } }, token);
            await _completeOutput();
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
        {
            Close(NodeDownReason.ConnectionLost, $"write failed: {e.Message}");
        }
    }

    /// <summary>Writes one frame, unless injected faults drop or stall it.</summary>
    private async Task WriteFrameAsync(Frame frame, int bytes, CancellationToken token)
    {
        var faults = _transport.Faults;
        if (faults.IsActive)
        {
            if (faults.Drops(Peer))
                return;
            if (faults.Delay > TimeSpan.Zero)
                await Task.Delay(faults.Delay, token);
            if (faults.Stalls(Peer))
                await Task.Delay(Timeout.Infinite, token);
        }
        await _output.WriteAsync(frame, token);
        Interlocked.Add(ref BytesSent, bytes);
        Volatile.Write(ref _lastSent, Environment.TickCount64);
    }

    private async Task ReadLoopAsync()
    {
        var token = _closing.Token;
        try
        {
            while (await _input.MoveNext(token))
            {
                var frame = _input.Current;
                Volatile.Write(ref _lastReceived, Environment.TickCount64);
                switch (frame.BodyCase)
                {
                    case Frame.BodyOneofCase.Batch:
                        Interlocked.Add(ref BytesReceived, frame.Batch.Envelopes.Length);
                        Interlocked.Add(ref MessagesReceived, frame.Batch.Count);
                        Deliver(frame.Batch);
                        break;
                    case Frame.BodyOneofCase.Heartbeat:
                        OnHeartbeat(frame.Heartbeat);
                        break;
                    case Frame.BodyOneofCase.None:
                        break; // a kind of frame a newer version added: it counts as a sign of life, nothing more
                    case Frame.BodyOneofCase.Leaving:
                        OnPeerLeaving(frame.Leaving);
                        break;
                    case Frame.BodyOneofCase.Goodbye when frame.Goodbye.Stopping:
                        Close(NodeDownReason.Goodbye, $"node said goodbye ({frame.Goodbye.Reason})");
                        return;
                    case Frame.BodyOneofCase.Goodbye:
                        Close(NodeDownReason.Disconnected, $"node disconnected this one ({frame.Goodbye.Reason})");
                        return;
                    default:
                        throw new ProtocolViolationException($"unexpected {frame.BodyCase} frame after the handshake");
                }
            }
            Close(NodeDownReason.ConnectionLost, "the peer closed the stream");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ProtocolViolationException or MessagePackSerializationException or FormatException or EndOfStreamException or ArgumentException or InvalidCastException or OverflowException)
        {
            TransportLog.BadData(_logger, Peer, e.Message);
            Close(NodeDownReason.ConnectionLost, $"bad data from the peer: {e.Message}");
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException)
        {
            Close(NodeDownReason.ConnectionLost, $"read failed: {e.Message}");
        }
    }

    /// <summary>
    /// Sleeps until the next thing due on this connection, not on a fixed tick: a heartbeat once the stream has been
    /// quiet for <see cref="NodeOptions.HeartbeatInterval"/> (a frame sent meanwhile moves it later), or the moment the
    /// peer's silence passes <see cref="NodeOptions.FailureThreshold"/>. An idle connection wakes once an interval.
    /// </summary>
    private async Task HeartbeatLoopAsync()
    {
        var options = _node.Options;
        var interval = (long)options.HeartbeatInterval.TotalMilliseconds;
        var threshold = (long)options.FailureThreshold.TotalMilliseconds;
        try
        {
            while (true)
            {
                var now = Environment.TickCount64;
                var silent = now - Volatile.Read(ref _lastReceived);
                if (silent > threshold)
                {
                    TransportLog.HeartbeatTimeout(_logger, Peer, silent);
                    Close(NodeDownReason.HeartbeatTimeout, $"silent for {silent} ms");
                    return;
                }
                var heartbeatAt = Volatile.Read(ref _lastSent) + interval;
                if (now >= heartbeatAt)
                {
                    _heartbeatDue = true;
                    _outbox.Writer.TryWrite(default); // wakes an idle writer; a busy one sees the flag before its next batch
                    heartbeatAt = now + interval;
                }
                SweepAnsweredCalls();
                var wakeAt = Math.Min(heartbeatAt, Volatile.Read(ref _lastReceived) + threshold + 1);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(wakeAt - now, 1)), _closing.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Calls that timed out locally leave their entry behind; drop those so the table does not grow.</summary>
    private void SweepAnsweredCalls()
    {
        foreach (var (callId, pending) in _pendingCalls)
        {
            if (!pending.Sink.IsPending(callId))
                _pendingCalls.TryRemove(callId, out _);
        }
    }

    private void CleanUp()
    {
        ReleaseLeaving();
        EndAllSpans();
        foreach (var (callId, pending) in _pendingCalls)
            pending.Sink.Fail(callId, new ProcessExitedException(RemotePid(pending.Target), ExitReason.NoConnection));
        _pendingCalls.Clear();
        foreach (var (_, whereIs) in _pendingWhereIs)
            whereIs.TrySetException(new InvalidOperationException($"Node {Peer} disconnected."));
        MonitorRef[] monitors;
        (long Local, long Remote)[] links;
        MonitorRef[] watchers;
        lock (_sync)
        {
            monitors = [.. _monitorsOut.Values];
            links = [.. _links];
            watchers = [.. _watchersIn];
            _monitorsOut.Clear();
            _links.Clear();
            _watchersIn.Clear();
        }
        foreach (var monitor in monitors)
            _node.Route(monitor.Watcher, new Envelope(EnvelopeKind.Info, new Down(monitor, monitor.Target, ExitReason.NoConnection)));
        foreach (var (local, remote) in links)
        {
            if (_node.TryGetLocal(local, out var process))
                process.OnExitSignal(RemotePid(remote), ExitReason.NoConnection, linked: true);
        }
        foreach (var watcher in watchers)
        {
            if (_node.TryGetLocal(watcher.Target.Serial, out var process))
                process.RemoveWatcher(watcher);
        }
    }
}
