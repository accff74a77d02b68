using Horde.Net.Crdt.Sync.Encoding;

namespace Horde.Net.Crdt.Sync;

/// <summary>Delta shipping: every change goes to every neighbour at once, numbered, acknowledged, resent.</summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    private readonly Dictionary<ulong, Outbox> _outboxes = [];
    private ulong[] _neighbourIds = []; // what every DeltaBatch says the sender ships to (replaced, never changed)

    /// <summary>Key deltas queued or sent to neighbours and not yet acknowledged.</summary>
    public int OutstandingDeltas => _outboxes.Values.Sum(o => o.Outstanding);

    /// <summary>
    /// While <see cref="IntroductionsPending"/>: this replica's latest writes (at most max_sync_size, none older than
    /// the session timeout), oldest first. A neighbour added a moment after a write (its introduction was still under
    /// way) gets them at once, instead of waiting for an anti-entropy round and a tree walk to find them.
    /// </summary>
    private readonly LinkedList<(TKey Key, Dot? Entry, WireKey Wire, long AtMs)> _recent = new();
    private long _lastNowMs;
    private bool _introductionsPending;

    /// <summary>
    /// Set by a host while some neighbours it was given are not yet known by replica id (their introduction is under
    /// way): the replica then keeps its latest writes and ships them to each such neighbour as it is added.
    /// </summary>
    public bool IntroductionsPending
    {
        get => _introductionsPending;
        set
        {
            _introductionsPending = value;
            if (!value)
            {
                _recent.Clear();
            }
        }
    }

    /// <summary>
    /// Set by a host that calls <see cref="Flush"/> itself once its queued messages are handled: a received message
    /// then only queues what it forwards, so the forwards of many messages leave in one batch; and a flush holds back
    /// a part batch while the neighbour has not acknowledged the last one (see <see cref="Outbox.SendNew"/>).
    /// </summary>
    internal bool DeferFlush { get; set; }

    /// <summary>Queues a local change for every neighbour; <paramref name="encoded"/>: its key and its one entry's value, already encoded.</summary>
    private void Ship(KeyDelta<TKey, TValue> delta, (byte[] Key, byte[] Value)? encoded = null)
    {
        if (_outboxes.Count == 0 && !_introductionsPending)
        {
            return;
        }

        var wire = encoded is { } bytes && delta.Entries.Length == 1 ? _codec.Encode(delta, bytes.Key, bytes.Value) : _codec.Encode(delta);
        if (_introductionsPending)
        {
            _recent.AddLast((delta.Key, delta.Entries.Length > 0 ? delta.Entries[0].Dot : null, wire, _lastNowMs));
            while (_recent.Count > _options.MaxSyncSize)
            {
                _recent.RemoveFirst();
            }
        }

        Enqueue(wire, except: null);
    }

    /// <summary>Queues for a new neighbour the recent writes still live here (a removal always is).</summary>
    private void SeedRecent(Outbox outbox, long nowMs)
    {
        while (_recent.First is { } first && nowMs - first.Value.AtMs > _options.SessionTimeoutMs)
        {
            _recent.RemoveFirst();
        }

        foreach (var (key, entry, wire, _) in _recent)
        {
            if ((entry is not { } dot || (_map.TryGetState(key, out var state) && state.Holds(dot))) && outbox.Add(wire))
            {
                _metrics.OutstandingDeltas.Add(1);
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="delta"/> for every neighbour but <paramref name="except"/> (where it came from) and those
    /// in <paramref name="shippedBySender"/> (the sender ships to them itself).
    /// </summary>
    private void Enqueue(WireKey delta, ulong? except, ulong[]? shippedBySender = null)
    {
        foreach (var (peer, outbox) in _outboxes)
        {
            if (peer != except && (shippedBySender is null || Array.IndexOf(shippedBySender, peer) < 0))
            {
                var dropped = outbox.Outstanding;
                if (outbox.Add(delta))
                {
                    _metrics.OutstandingDeltas.Add(1);
                }
                else
                {
                    _metrics.OutstandingDeltas.Add(-dropped);
                }
            }
        }
    }

    private void OnDeltaBatch(ulong from, DeltaBatch batch)
    {
        var (columns, decoded) = DecodeAll(batch.Keys, ranges: null, "delta"); // all or nothing: a refused batch changes no state
        for (var i = 0; i < decoded.Count; i++)
        {
            // Forward only what was news here, so a delta floods the neighbour graph once and stops; and not to the
            // sender's own neighbours, which it ships to itself (each of them had it from the sender, or from whoever
            // the sender had it from, back to the writer, which ships to all its neighbours).
            if (Apply(decoded[i], deadHere: null) && HasOtherNeighbours(from, batch.SenderNeighbours))
            {
                Enqueue(columns.ToWireKey(i), except: from, batch.SenderNeighbours);
            }
        }

        if (decoded.Count > 0)
        {
            SendMessage(from, new DeltaAck(batch.FirstSeq, batch.FirstSeq + (ulong)decoded.Count - 1));
        }
    }

    /// <summary>Whether a neighbour is left to forward to once the sender and the sender's own neighbours are left out.</summary>
    private bool HasOtherNeighbours(ulong from, ulong[]? shippedBySender)
    {
        foreach (var peer in _outboxes.Keys)
        {
            if (peer != from && (shippedBySender is null || Array.IndexOf(shippedBySender, peer) < 0))
            {
                return true;
            }
        }

        return false;
    }

    private void OnDeltaAck(ulong from, DeltaAck ack)
    {
        if (_outboxes.TryGetValue(from, out var outbox))
        {
            _metrics.OutstandingDeltas.Add(-outbox.Acknowledge(ack.FirstSeq, ack.LastSeq));
            AckVersion++;
        }
    }

    private DecodedKey[] _decodedKeys = []; // scratch of DecodeAll, reused from message to message
    private Entry<TValue>[] _decodedEntries = [];

    /// <summary>One key of a received message, decoded and checked, not yet applied.</summary>
    private readonly record struct DecodedKey(TKey Key, ulong Hash, ArraySegment<Entry<TValue>> Entries, ArraySegment<Dot> Dead);

    /// <summary>
    /// Decodes every key of a message before any is applied, so a message refused for one bad key leaves the state
    /// as it was. With <paramref name="ranges"/>, every key must lie in one of them. Keys and values are read straight
    /// from the block; values only for dots not yet seen. The keys returned live in scratch arrays until the next call.
    /// </summary>
    private (KeyColumns Columns, ArraySegment<DecodedKey> Keys) DecodeAll(WireKeys? keys, WireRange[]? ranges, string what)
    {
        var columns = Require(keys, $"{what} keys").Columns;
        var entries = _decodedEntries.Length >= columns.Entries.Length ? _decodedEntries : _decodedEntries = new Entry<TValue>[columns.Entries.Length];
        var decoded = _decodedKeys.Length >= columns.Count ? _decodedKeys : _decodedKeys = new DecodedKey[columns.Count];
        var e = 0;
        for (var i = 0; i < columns.Count; i++)
        {
            _codec.ObserveSize(columns.SizeOf(i));
            var key = _codec.DecodeKey(columns.KeyBytes(i));

            // The hash comes from our own encoding of the key, not the sender's bytes, so a non-canonical
            // encoding cannot place a key in the wrong leaf.
            var hash = _map.TryGetState(key, out var state) ? state.Hash : _map.Hasher.Hash(key);
            if (ranges is not null && !InAny(ranges, hash))
            {
                throw new InvalidDataException($"A {what} key lies outside the pushed ranges.");
            }

            var first = e;
            foreach (ref readonly var entry in columns.EntriesOf(i))
            {
                var value = _map.Context.Contains(entry.Dot) ? default! : _codec.DecodeValue(columns.ValueBytes(entry));
                entries[e++] = new Entry<TValue>(entry.Dot, entry.Timestamp, value);
            }

            decoded[i] = new DecodedKey(key, hash, new ArraySegment<Entry<TValue>>(entries, first, e - first), columns.DeadOf(i));
        }

        return (columns, new ArraySegment<DecodedKey>(decoded, 0, columns.Count));
    }

    private bool Apply(in DecodedKey key, List<Dot>? deadHere)
    {
        Stats.KeysReceived++;
        _metrics.KeysReceived.Add(1);
        var changed = _map.Apply(key.Key, key.Hash, key.Entries, key.Dead, _diffs, deadHere);
        _dirty |= changed;
        return changed;
    }
}
