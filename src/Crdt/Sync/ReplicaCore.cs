using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Horde.Net.Crdt.Storage;
using MessagePack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// One replica of a replicated AWLWW map, transport-agnostic and deterministic: it holds the map, turns writes
/// into deltas for its neighbours, applies what neighbours send, and repairs differences by anti-entropy.
/// It reads no clock, starts no thread and does no I/O of its own (storage writes are handed to
/// <see cref="IReplicaStorage"/>).
/// <para>
/// Host contract. One owner (a process, an actor, a simulation loop) calls every mutating member serially:
/// the writes (<see cref="Put"/>, <see cref="Delete"/>, <see cref="Merge"/>, <see cref="Drop"/>),
/// <see cref="OnMessage(ulong, SyncMessage, long, long)"/> for each message received, <see cref="OnTick"/> when <see cref="NextWakeMs"/> says work is due (or
/// periodically, every few tens of milliseconds; it runs rounds every <see cref="ReplicaOptions.SyncInterval"/>),
/// <see cref="SetNeighbours"/> when the set of peer replicas changes, <see cref="Flush"/> after a batch of writes
/// (ships their deltas now rather than at the next tick) and <see cref="Close"/> on shutdown. Outgoing messages
/// go to the <see cref="ISyncTransport"/> given at construction; visible changes are raised, in order and after
/// the state changed, through <see cref="Changed"/>. Reads (<see cref="TryGetValue"/>, <see cref="Take"/>,
/// <see cref="ToDictionary"/>, <see cref="View"/>) are thread-safe and never wait for the owner.
/// </para>
/// </summary>
/// <typeparam name="TKey">Key type, MessagePack-serializable with <see cref="ReplicaOptions.SerializerOptions"/>.</typeparam>
/// <typeparam name="TValue">Value type, MessagePack-serializable with <see cref="ReplicaOptions.SerializerOptions"/>.</typeparam>
public sealed partial class ReplicaCore<TKey, TValue>
    where TKey : notnull
{
    private readonly ReplicaOptions _options;
    private readonly ISyncTransport _transport;
    private readonly IReplicaStorage? _storage;
    private readonly ILogger _logger;
    private readonly EntryCodec<TKey, TValue> _codec;
    private readonly AwLwwMap<TKey, TValue> _map;
    private readonly ConcurrentDictionary<TKey, TValue> _view = new();
    private int _count; // the view's, kept by the owner: ConcurrentDictionary.Count takes every lock of the table
    private readonly List<Diff<TKey, TValue>> _diffs = [];
    private readonly Action<ulong, SyncMessage> _send;
    private readonly CrdtMetrics _metrics;
    private bool _closed;

    /// <summary>
    /// Creates a replica, restoring it from <paramref name="storage"/> if that holds a snapshot. A snapshot written
    /// on <see cref="Close"/> keeps its replica id and counters; any other snapshot keeps its state but gets a new
    /// id, because it may predate dots the old incarnation already shipped.
    /// </summary>
    /// <param name="options">Sync settings.</param>
    /// <param name="transport">Where outgoing messages go.</param>
    /// <param name="storage">Optional persistence.</param>
    /// <param name="newReplicaId">The id to use when a new one is needed; a random one (<see cref="ReplicaIds.NewId"/>) if null.</param>
    /// <param name="logger">Logs rejected messages.</param>
    /// <param name="meterFactory">Where the "Horde.Net.Crdt" meter comes from (a node's <c>MeterFactory</c>); a meter of the library's own if null.</param>
    public ReplicaCore(ReplicaOptions options, ISyncTransport transport, IReplicaStorage? storage = null, ulong? newReplicaId = null, ILogger? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        _options = options;
        _transport = transport;
        _storage = storage;
        _logger = logger ?? NullLogger.Instance;
        _codec = new EntryCodec<TKey, TValue>(options.SerializerOptions);
        _send = SendMessage;
        _metrics = CrdtMetrics.For(meterFactory);
        var hasher = new MessagePackKeyHasher<TKey>(options.SerializerOptions);

        var snapshot = storage?.Load();
        var id = snapshot is { ReusableId: true } ? snapshot.ReplicaId : newReplicaId ?? ReplicaIds.NewId();
        _map = new AwLwwMap<TKey, TValue>(id, hasher);
        _map.Clock.MaxDriftMs = (long)options.MaxClockDrift.TotalMilliseconds;
        if (snapshot is not null && !TryRestore(snapshot))
        {
            // A snapshot that decodes but does not make sense: start empty under a new id; peers repair the state.
            _map = new AwLwwMap<TKey, TValue>(newReplicaId ?? ReplicaIds.NewId(), hasher);
            _map.Clock.MaxDriftMs = (long)options.MaxClockDrift.TotalMilliseconds;
            _view.Clear();
            _count = 0;
        }

        // Session numbers differ between incarnations of one id, so stale replies do not match new sessions.
        _nextSessionId = Hashing.Mix(_map.ReplicaId, _map.Counter, (ulong)_map.Clock.Last.Physical) >> 16;
    }

    /// <summary>This incarnation's replica id (the id peers address it by).</summary>
    public ulong ReplicaId => _map.ReplicaId;

    /// <summary>Running totals of sync work.</summary>
    public SyncStats Stats { get; } = new();

    /// <summary>
    /// Whether this replica has once been found equal to a peer (equal roots) or finished repairing the
    /// differences with one: a readiness signal for a node that joined a cluster with existing state.
    /// </summary>
    public bool HasSynced { get; private set; }

    /// <summary>
    /// When (in the <c>nowMs</c> clock of the calls) this replica was last found equal to a neighbour or finished a
    /// repair with one; <see cref="long.MinValue"/> before the first time. How far behind it may be, for dashboards.
    /// </summary>
    public long LastSyncedMs { get; private set; } = long.MinValue;

    private void MarkSynced(long nowMs)
    {
        HasSynced = true;
        LastSyncedMs = nowMs;
    }

    /// <summary>Current neighbours.</summary>
    public IReadOnlyCollection<ulong> Neighbours => _outboxes.Keys;

    /// <summary>
    /// Raised after every change of visible values, in order: <c>add k v</c> / <c>remove k</c>. Runs on the owner's
    /// call; the list is the handler's to keep.
    /// </summary>
    public event Action<IReadOnlyList<Diff<TKey, TValue>>>? Changed;

    /// <summary>A live, thread-safe read view of the map.</summary>
    public IReadOnlyDictionary<TKey, TValue> View => _view;

    /// <summary>Number of keys (thread-safe).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Root of the anti-entropy hash tree (owner thread only): equal on replicas holding the same entries.</summary>
    public ulong RootHash => _map.Tree.Root;

    internal AwLwwMap<TKey, TValue> Map => _map;

    internal CrdtMetrics Metrics => _metrics;

    /// <summary>Reads a key (thread-safe, lock-free).</summary>
    public bool TryGetValue(TKey key, out TValue value) => _view.TryGetValue(key, out value!);

    /// <summary>Reads several keys; absent ones are left out (thread-safe).</summary>
    public Dictionary<TKey, TValue> Take(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var result = new Dictionary<TKey, TValue>();
        foreach (var key in keys)
        {
            if (_view.TryGetValue(key, out var value))
            {
                result[key] = value;
            }
        }

        return result;
    }

    /// <summary>A copy of the whole map (thread-safe; concurrent writes may or may not be included).</summary>
    public Dictionary<TKey, TValue> ToDictionary() => new(_view);

    /// <summary>Puts a value. The delta ships on the next <see cref="Flush"/> or tick.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="wallClockMs">Current wall-clock time in Unix milliseconds (for the hybrid logical clock).</param>
    public void Put(TKey key, TValue value, long wallClockMs)
    {
        ThrowIfClosed();
        var encoded = EncodeChecked(key, value); // once: what is checked is what ships
        Ship(_map.Put(key, value, wallClockMs, _diffs), encoded);
        Publish(ChangeOrigin.Local);
    }

    /// <summary>Deletes a key (no-op if absent).</summary>
    public void Delete(TKey key)
    {
        ThrowIfClosed();
        if (_map.Remove(key, _diffs) is { } delta)
        {
            Ship(delta);
        }

        Publish(ChangeOrigin.Local);
    }

    /// <summary>Puts several values (delta_crdt_ex's merge).</summary>
    public void Merge(IEnumerable<KeyValuePair<TKey, TValue>> pairs, long wallClockMs)
    {
        ThrowIfClosed();
        ArgumentNullException.ThrowIfNull(pairs);
        var list = pairs as IReadOnlyCollection<KeyValuePair<TKey, TValue>> ?? [.. pairs];
        foreach (var (key, value) in list)
        {
            CheckSize(key, value);
        }

        pairs = list;
        foreach (var delta in _map.PutMany(pairs, wallClockMs, _diffs))
        {
            Ship(delta);
        }

        Publish(ChangeOrigin.Local);
    }

    /// <summary>Deletes several keys (delta_crdt_ex's drop).</summary>
    public void Drop(IEnumerable<TKey> keys)
    {
        ThrowIfClosed();
        foreach (var delta in _map.RemoveMany(keys, _diffs))
        {
            Ship(delta);
        }

        Publish(ChangeOrigin.Local);
    }

    /// <summary>Handles one message from replica <paramref name="from"/>, with no bound on how far its timestamps may lead the local clock.</summary>
    /// <returns>False if the message was malformed (it was logged and ignored; the host should close that connection).</returns>
    public bool OnMessage(ulong from, SyncMessage message, long nowMs) => OnMessage(from, message, nowMs, wallClockMs: 0);

    /// <summary>
    /// Handles one message from replica <paramref name="from"/>. The local clock follows the message's timestamps only
    /// up to <see cref="ReplicaOptions.MaxClockDrift"/> ahead of <paramref name="wallClockMs"/>; entries stamped further
    /// ahead are still stored, and the refusal is counted and logged.
    /// </summary>
    /// <param name="from">The sending replica.</param>
    /// <param name="message">The message.</param>
    /// <param name="nowMs">The host's monotonic time in milliseconds.</param>
    /// <param name="wallClockMs">Current wall-clock time in Unix milliseconds (0: not known).</param>
    /// <returns>False if the message was malformed (it was logged and ignored; the host should close that connection).</returns>
    public bool OnMessage(ulong from, SyncMessage message, long nowMs, long wallClockMs)
    {
        if (_closed)
        {
            return true; // late deliveries after shutdown are simply dropped
        }

        _map.Clock.ReadWallClock(wallClockMs);
        var refusalsBefore = _map.Clock.DriftRefusals;
        Stats.MessagesReceived++;
        if (_outboxes.TryGetValue(from, out var sender))
        {
            sender.Heard();
        }
        else
        {
            // A member removal ends sync with it both ways: a replica that is not (or no longer) a neighbour can
            // neither pull from this one nor push into it, until it is made a neighbour again.
            Stats.FromNonNeighbours++;
            return true;
        }

        try
        {
            switch (message)
            {
                case DeltaBatch batch:
                    OnDeltaBatch(from, batch);
                    break;
                case DeltaAck ack:
                    OnDeltaAck(from, ack);
                    break;
                case TreeRoot root:
                    OnTreeRoot(from, root, nowMs);
                    break;
                case TreeLevel level:
                    OnTreeLevel(from, level, nowMs);
                    break;
                case RangePush push:
                    OnRangePush(from, push, nowMs);
                    break;
                case RangeReply reply:
                    OnRangeReply(from, reply, nowMs);
                    break;
                case Repair repair:
                    OnRepair(repair);
                    break;
                case ContextShare share:
                    OnContextShare(from, share);
                    break;
                default:
                    throw new InvalidDataException($"Unknown sync message {message?.GetType().Name ?? "null"}.");
            }

            return true;
        }
        catch (Exception e) when (e is InvalidDataException or MessagePackSerializationException or ArgumentException or OverflowException)
        {
            Stats.Malformed++;
            _sessions.Remove(from);
            _logger.LogWarning(e, "Rejected a malformed sync message from replica {Peer:x16}", from);
            return false;
        }
        finally
        {
            CountDriftRefusals(from, refusalsBefore);
            Publish(ChangeOrigin.Neighbour);
            NoteRootChange(nowMs);
            if (!DeferFlush)
            {
                Flush(nowMs);
            }
        }
    }

    private void CountDriftRefusals(ulong from, long before)
    {
        var refused = _map.Clock.DriftRefusals - before;
        if (refused > 0)
        {
            Stats.ClockDriftRefusals += refused;
            _metrics.ClockDriftRefusals.Add(refused);
            _logger.LogWarning(
                "Replica {Replica:x16} kept {Count} entries from replica {Peer:x16} stamped more than {Drift} ahead of its wall clock, without moving its clock to them",
                ReplicaId, refused, from, _options.MaxClockDrift);
        }
    }

    /// <summary>Periodic work: ships and resends deltas, starts anti-entropy rounds, expires stalled repairs, persists.</summary>
    public void OnTick(long nowMs)
    {
        if (_closed)
        {
            return;
        }

        Stats.Ticks++;
        _lastNowMs = nowMs;
        Flush(nowMs);
        foreach (var (peer, outbox) in _outboxes)
        {
            Stats.KeysSent += outbox.Resend(peer, KeyBudget, nowMs, _options.ResendAfterMs, _send, _neighbourIds);
        }

        ExpireSessions(nowMs);
        StartRounds(nowMs);
        PersistIfDue(nowMs);
    }

    /// <summary>Ships queued deltas to neighbours now.</summary>
    public void Flush(long nowMs)
    {
        _lastNowMs = nowMs;
        NoteRootChange(nowMs);
        foreach (var (peer, outbox) in _outboxes)
        {
            Stats.KeysSent += outbox.SendNew(peer, KeyBudget, nowMs, _send, holdWhileInFlight: DeferFlush, _neighbourIds);
        }
    }

    /// <summary>
    /// Replaces the neighbour set. New neighbours get an anti-entropy round at the next tick if this replica holds
    /// anything (that is how a fresh replica catches up: its neighbours send it theirs); dropped ones lose their queued
    /// deltas.
    /// </summary>
    public void SetNeighbours(IEnumerable<ulong> neighbours, long nowMs)
    {
        ThrowIfClosed();
        ArgumentNullException.ThrowIfNull(neighbours);
        var wanted = neighbours.Where(n => n != ReplicaId).ToHashSet();
        var changed = false;
        foreach (var gone in _outboxes.Keys.Where(p => !wanted.Contains(p)).ToList())
        {
            _metrics.OutstandingDeltas.Add(-_outboxes[gone].Clear());
            _outboxes.Remove(gone);
            _sessions.Remove(gone);
            _equalRootHeard.Remove(gone);
            _equalRootAnswered.Remove(gone);
            _heldBackSinceMs.Remove(gone);
            _lastPushReceivedMs.Remove(gone);
            changed = true;
        }

        _lastNowMs = nowMs;
        AckVersion++; // a neighbour gone no longer counts for a waiting write
        var added = false;
        foreach (var peer in wanted.Where(p => !_outboxes.ContainsKey(p)))
        {
            // Sequence numbers start from the clock so acks meant for an earlier incarnation cannot match.
            // A round owed at once to a new neighbour, unless this replica holds nothing (root 0): then the neighbour's
            // own introduction round finds whatever it has that this one lacks, and deaths this one knows of travel back
            // in that repair's replies. Introducing N replicas to each other used to cost N × (N − 1) roots in one burst,
            // which the first write queued behind (~200 ms at 20 nodes); the periodic rounds still follow.
            var outbox = _outboxes[peer] = new Outbox(((ulong)Math.Max(nowMs, 0) << 16) + 1, _options.MaxOutboxKeys) { NeedsRepair = _map.Tree.Root != 0 };
            SeedRecent(outbox, nowMs);
            added = true;
        }

        _roundRobin = [.. _outboxes.Keys.Order()];
        _neighbourIds = [.. _roundRobin];
        if (added || changed)
        {
            NoteActivity(nowMs); // a new neighbour may differ; a smaller cycle changes the pace
        }

        if (added)
        {
            Flush(nowMs);
        }
    }

    /// <summary>Ships what is queued and writes a final snapshot that lets the next incarnation keep this replica id.</summary>
    public void Close(long nowMs)
    {
        if (_closed)
        {
            return;
        }

        Flush(nowMs);
        if (_storage is not null)
        {
            _storage.Save(DeferredSnapshot(reusableId: true));
            _storage.Flush();
        }

        foreach (var outbox in _outboxes.Values)
        {
            _metrics.OutstandingDeltas.Add(-outbox.Clear());
        }

        _closed = true;
    }

    private void SendMessage(ulong to, SyncMessage message)
    {
        Stats.MessagesSent++;
        _transport.Send(to, message);
    }

    private void Publish(ChangeOrigin origin)
    {
        if (_diffs.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _diffs.Count; i++)
        {
            var diff = _diffs[i];
            bool had;
            TValue? previous;
            if (diff.Kind == DiffKind.Add)
            {
                had = _view.TryGetValue(diff.Key, out previous);
                _view[diff.Key] = diff.Value!;
                if (!had)
                {
                    Volatile.Write(ref _count, _count + 1);
                }
            }
            else if (had = _view.TryRemove(diff.Key, out previous))
            {
                Volatile.Write(ref _count, _count - 1);
            }

            _diffs[i] = diff with { HadPrevious = had, Previous = previous, Origin = origin };
        }

        _dirty = true;
        var handler = Changed;
        if (handler is not null)
        {
            var diffs = _diffs.ToArray();
            _diffs.Clear();
            Raise(handler, diffs);
        }
        else
        {
            _diffs.Clear();
        }
    }

    /// <summary>
    /// A subscriber that throws is logged and the others still run, and the change (already made) stands, so a faulty
    /// handler can neither fail a write nor stop the replica.
    /// </summary>
    private void Raise(Action<IReadOnlyList<Diff<TKey, TValue>>> handler, Diff<TKey, TValue>[] diffs) =>
        Subscribers.RaiseEach<IReadOnlyList<Diff<TKey, TValue>>>(handler, diffs, _handlerFailed ??= e =>
        {
            Stats.HandlerFailures++;
            _logger.LogError(e, "A Changed handler of replica {Replica:x16} threw; the change stands", ReplicaId);
        });

    private Action<Exception>? _handlerFailed; // made once, not per change

    private void ThrowIfClosed() => ObjectDisposedException.ThrowIf(_closed, this);

    private static T Require<T>(T? value, string what)
        where T : class => value ?? throw new InvalidDataException($"Missing {what}.");
}
