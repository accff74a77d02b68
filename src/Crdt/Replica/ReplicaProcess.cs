using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Crdt;

/// <summary>
/// The process that owns one <see cref="ReplicaCore{TKey, TValue}"/>: it serializes every write, tick and received sync
/// message through its mailbox, and sends the core's messages to neighbour replica processes, wherever they run.
/// Neighbours are given as pids (by hand, or found by name: ReplicaProcess.Discovery.cs); each is asked for its replica
/// id until it answers.
/// </summary>
internal sealed partial class ReplicaProcess<TKey, TValue>(ReplicaHost<TKey, TValue> host)
    : HordeProcess, ISyncTransport
    where TKey : notnull
{
    private static readonly TimeSpan FirstHelloRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastHelloRetry = TimeSpan.FromSeconds(4);

    private readonly Dictionary<ulong, Pid> _pidsById = [];
    private readonly Dictionary<Pid, ulong> _idsByPid = [];
    private readonly Dictionary<Pid, (long AtMs, TimeSpan Wait)> _helloRetries = [];
    private Pid[] _neighbours = [];
    private Timer? _ticker;
    private Func<int>? _size;

    public ReplicaCore<TKey, TValue> Core { get; private set; } = null!;

    private static long Now => Environment.TickCount64;

    /// <summary>The replica's name on its meters: the name it was started with, or its pid.</summary>
    private string MetricName => host.Name ?? Self.ToString();

    /// <summary>The wall clock the hybrid logical clock starts from.</summary>
    internal static long WallClockMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected override ValueTask InitAsync()
    {
        TrapExits = true; // so that a shutdown runs TerminateAsync, which writes the final snapshot
        WarmUp.Start();
        Core = new ReplicaCore<TKey, TValue>(host.Options, this, host.Storage, logger: Logger, meterFactory: Node.MeterFactory);
        Core.Changed += host.Raise;
        Core.DeferFlush = true; // ReplicaFlush ships what the mailbox's writes and messages queued, in one batch
        var core = Core;
        _size = () => core.Count;
        Core.Metrics.Track(MetricName, Node.Name.ToString(), _size);
        var self = Self;
        _ticker = new Timer(_ => self.Send(new ReplicaTick()), null, Timeout.Infinite, Timeout.Infinite);
        if (host.Name is not null)
        {
            StartDiscovery(host.Name);
        }

        host.Started(this);
        ScheduleWake();
        return default;
    }

    protected override ValueTask<object?> HandleCallAsync(object message)
    {
        var result = Handle(message);
        ScheduleWake();
        return result;
    }

    private ValueTask<object?> Handle(object message)
    {
        switch (message)
        {
            case ReplicaWrite<TKey, TValue> write:
                return Write(write);
            case ReplicaNeighbours neighbours:
                _manualNeighbours = true;
                SetNeighbourPids(neighbours.Pids);
                return Reply(null);
            case ReplicaSubscribe<TKey, TValue> subscribe:
                // On the process, between two changes: the snapshot and the first diff the handler gets leave no gap.
                host.Changed += subscribe.Handler;
                return Reply(Core.ToDictionary());
            default:
                return Unhandled(message);
        }
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        switch (message)
        {
            case ReplicaTick:
                _lastTickMs = Now;
                _wakeAtMs = long.MinValue; // the timer fired: the next wake must be set again
                Core.OnTick(_lastTickMs);
                RetryHellos();
                CheckWaiters();
                break;
            case ReplicaFlush:
                OnFlush();
                break;
            case ReplicaEnvelope envelope:
                OnEnvelope(envelope);
                RequestFlush();
                break;
            case ReplicaHello hello:
                if (hello.Sender is null || hello.ReplicaId == Core.ReplicaId)
                {
                    Refuse(hello.Sender, "an introduction without a sender or with this replica's own id");
                    break;
                }
                if (hello.Answer) // before learning: our answer must reach the peer before any sync message does
                    hello.Sender.Send(new ReplicaHello(Core.ReplicaId, Self, Answer: false));
                Learn(hello.ReplicaId, hello.Sender);
                break;
            default:
                OnDiscoveryMessage(message);
                break;
        }
        ScheduleWake();
        return default;
    }

    protected override ValueTask TerminateAsync(ExitReason reason)
    {
        _ticker?.Dispose();
        if (_size is not null)
            Core.Metrics.Untrack(MetricName, Node.Name.ToString(), _size);
        Core.Changed -= host.Raise;
        FailWaiters(reason);
        Core.Close(Now);
        return default;
    }

    void ISyncTransport.Send(ulong to, SyncMessage message)
    {
        if (_pidsById.TryGetValue(to, out var pid))
        {
            var bytes = SyncMessageSerializer.Serialize(message);
            Core.Metrics.BytesSent.Add(bytes.Length);
            pid.Send(new ReplicaEnvelope(Core.ReplicaId, Self, bytes));
        }
    }

    /// <summary>
    /// Why a sync message is refused before it is decoded, or null: only a replica that introduced itself may send,
    /// under the id it introduced, so a forged or stray envelope cannot pose as a neighbour.
    /// </summary>
    private string? EnvelopeRefusal(ReplicaEnvelope envelope) =>
        envelope.Sender is null ? "no sender"
        : envelope.Message is null ? "no message"
        : !_idsByPid.TryGetValue(envelope.Sender, out var id) ? "a sender that never introduced itself"
        : id != envelope.From ? $"a sender introduced as replica {id:x16} claiming to be {envelope.From:x16}"
        : null;

    /// <summary>A <c>Changed</c> subscriber threw: counted and logged; the change stands.</summary>
    internal void OnHandlerFailed(Exception error)
    {
        Core.Stats.HandlerFailures++;
        Logger.LogError(error, "A Changed handler of replica {Pid} threw; the change stands", Self);
    }

    private void Refuse(Pid? sender, string reason)
    {
        Core.Stats.Malformed++;
        Logger.LogWarning("Replica {Pid} refused a sync message from {Sender}: {Reason}", Self, sender, reason);
    }

    private void OnEnvelope(ReplicaEnvelope envelope)
    {
        if (EnvelopeRefusal(envelope) is { } refusal)
        {
            Refuse(envelope.Sender, refusal);
            return;
        }
        Core.Metrics.BytesReceived.Add(envelope.Message.Length);
        SyncMessage sync;
        try
        {
            sync = SyncMessageSerializer.Deserialize(envelope.Message);
        }
        catch (MessagePack.MessagePackSerializationException e)
        {
            Refuse(envelope.Sender, e.Message);
            return;
        }
        Core.OnMessage(envelope.From, sync, Now, WallClockMs);
    }

    /// <summary>Replaces the neighbour processes; those not introduced yet get a hello, repeated until they answer.</summary>
    private void SetNeighbourPids(Pid[] pids)
    {
        _neighbours = [.. pids.Where(p => p != Self).Distinct()];
        foreach (var gone in _helloRetries.Keys.Where(p => !_neighbours.Contains(p)).ToList())
            _helloRetries.Remove(gone);
        foreach (var pid in _neighbours.Where(p => !_idsByPid.ContainsKey(p) && !_helloRetries.ContainsKey(p)))
        {
            pid.Send(new ReplicaHello(Core.ReplicaId, Self, Answer: true));
            _helloRetries[pid] = (Now, FirstHelloRetry);
        }
        UpdateNeighbours();
    }

    /// <summary>
    /// A hello is lost when the neighbour's node is not connected yet or the network drops it, and nothing else would
    /// introduce the two: send it again, backing off, until the neighbour answers (any message from it counts).
    /// </summary>
    private void RetryHellos()
    {
        var now = Now;
        foreach (var (pid, (at, wait)) in _helloRetries.ToList())
        {
            if (now - at < wait.TotalMilliseconds)
                continue;
            pid.Send(new ReplicaHello(Core.ReplicaId, Self, Answer: true));
            _helloRetries[pid] = (now, TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastHelloRetry.Ticks)));
        }
    }

    /// <summary>Remembers which process holds a replica id; a process that came back as a new replica replaces its old id.</summary>
    private void Learn(ulong replicaId, Pid pid)
    {
        _helloRetries.Remove(pid);
        if (_idsByPid.TryGetValue(pid, out var known) && known == replicaId)
            return;
        if (_idsByPid.Remove(pid, out var stale))
            _pidsById.Remove(stale);
        _idsByPid[pid] = replicaId;
        _pidsById[replicaId] = pid;
        UpdateNeighbours();
    }

    /// <summary>Forgets a process that is gone, so that a later one with its replica id is not confused with it.</summary>
    private void Forget(Pid pid)
    {
        _helloRetries.Remove(pid);
        if (_idsByPid.Remove(pid, out var id) && _pidsById.TryGetValue(id, out var holder) && holder == pid)
            _pidsById.Remove(id);
    }

    private void UpdateNeighbours()
    {
        Core.SetNeighbours(_neighbours.Where(_idsByPid.ContainsKey).Select(p => _idsByPid[p]), Now);
        Core.IntroductionsPending = _neighbours.Any(p => !_idsByPid.ContainsKey(p)); // writes until then reach them when they answer
    }
}
