using Horde.Net.Cluster;
using Horde.Net.Crdt.Storage;
using Horde.Net.Crdt.Sync;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Crdt;

/// <summary>
/// The process that owns one <see cref="ReplicaCore{TKey, TValue}"/>: it serializes every write, tick and received sync
/// message through its mailbox, and sends the core's messages to neighbour replica processes, wherever they run.
/// Neighbours are given as pids; each is asked for its replica id once.
/// </summary>
internal sealed class ReplicaProcess<TKey, TValue>(ReplicaOptions options, IReplicaStorage? storage, TimeSpan tickInterval)
    : HordeProcess, ISyncTransport
    where TKey : notnull
{
    private readonly Dictionary<ulong, Pid> _pidsById = [];
    private readonly Dictionary<Pid, ulong> _idsByPid = [];
    private Pid[] _neighbours = [];
    private Timer? _ticker;

    public ReplicaCore<TKey, TValue> Core { get; private set; } = null!;

    private static long Now => Environment.TickCount64;

    /// <summary>The wall clock the hybrid logical clock starts from.</summary>
    internal static long WallClockMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected override ValueTask InitAsync()
    {
        TrapExits = true; // so that a shutdown runs TerminateAsync, which writes the final snapshot
        WarmUp.Start();
        Core = new ReplicaCore<TKey, TValue>(options, this, storage, logger: Logger, meterFactory: Node.MeterFactory);
        var self = Self;
        _ticker = new Timer(_ => self.Send(new ReplicaTick()), null, tickInterval, tickInterval);
        return default;
    }

    protected override ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case ReplicaWrite write:
                write.Apply();
                Core.Flush(Now);
                return Reply(null);
            case ReplicaNeighbours neighbours:
                _neighbours = neighbours.Pids;
                foreach (var pid in _neighbours.Where(p => !_idsByPid.ContainsKey(p)))
                    pid.Send(new ReplicaHello(Core.ReplicaId, Self, Answer: true));
                UpdateNeighbours();
                return Reply(null);
            default:
                return Unhandled(message);
        }
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        switch (message)
        {
            case ReplicaTick:
                Core.OnTick(Now);
                break;
            case ReplicaEnvelope envelope:
                if (EnvelopeRefusal(envelope) is { } refusal)
                {
                    Refuse(envelope.Sender, refusal);
                    break;
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
                    break;
                }
                Core.OnMessage(envelope.From, sync, Now, WallClockMs);
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
        }
        return default;
    }

    protected override ValueTask TerminateAsync(ExitReason reason)
    {
        _ticker?.Dispose();
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

    private void Refuse(Pid? sender, string reason)
    {
        Core.Stats.Malformed++;
        Logger.LogWarning("Replica {Pid} refused a sync message from {Sender}: {Reason}", Self, sender, reason);
    }

    /// <summary>Remembers which process holds a replica id; a process that came back as a new replica replaces its old id.</summary>
    private void Learn(ulong replicaId, Pid pid)
    {
        if (_idsByPid.TryGetValue(pid, out var known) && known == replicaId)
            return;
        if (_idsByPid.Remove(pid, out var stale))
            _pidsById.Remove(stale);
        _idsByPid[pid] = replicaId;
        _pidsById[replicaId] = pid;
        UpdateNeighbours();
    }

    private void UpdateNeighbours()
    {
        Core.SetNeighbours(_neighbours.Where(_idsByPid.ContainsKey).Select(p => _idsByPid[p]), Now);
        Core.IntroductionsPending = _neighbours.Any(p => !_idsByPid.ContainsKey(p)); // writes until then reach them when they answer
    }
}
