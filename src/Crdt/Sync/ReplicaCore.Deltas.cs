namespace Horde.Net.Crdt.Sync;

/// <summary>Delta shipping: every change goes to every neighbour at once, numbered, acknowledged, resent.</summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    private readonly Dictionary<ulong, Outbox> _outboxes = [];

    /// <summary>Key deltas queued or sent to neighbours and not yet acknowledged.</summary>
    public int OutstandingDeltas => _outboxes.Values.Sum(o => o.Outstanding);

    private void Ship(KeyDelta<TKey, TValue> delta)
    {
        if (_outboxes.Count > 0)
        {
            Enqueue(_codec.Encode(delta), except: null);
        }
    }

    private void Enqueue(WireKey delta, ulong? except)
    {
        foreach (var (peer, outbox) in _outboxes)
        {
            if (peer != except)
            {
                var dropped = outbox.Outstanding;
                if (outbox.Add(delta))
                {
                    CrdtMetrics.OutstandingDeltas.Add(1);
                }
                else
                {
                    CrdtMetrics.OutstandingDeltas.Add(-dropped);
                }
            }
        }
    }

    private void OnDeltaBatch(ulong from, DeltaBatch batch)
    {
        var keys = Require(batch.Keys, "delta keys");
        foreach (var key in keys)
        {
            // Forward only what was news here, so a delta floods the neighbour graph once and stops.
            if (ApplyWire(key, deadHere: null))
            {
                Enqueue(key, except: from);
            }
        }

        if (keys.Length > 0)
        {
            SendMessage(from, new DeltaAck(batch.FirstSeq, batch.FirstSeq + (ulong)keys.Length - 1));
        }
    }

    private void OnDeltaAck(ulong from, DeltaAck ack)
    {
        if (_outboxes.TryGetValue(from, out var outbox))
        {
            CrdtMetrics.OutstandingDeltas.Add(-outbox.Acknowledge(ack.FirstSeq, ack.LastSeq));
        }
    }

    /// <summary>Decodes a key-scoped delta; values are decoded only for dots not yet seen.</summary>
    private (TKey Key, ulong Hash, Entry<TValue>[] Entries, Dot[] Dead) Decode(WireKey wire)
    {
        _codec.Observe(Require(wire, "key delta"));
        var keyBytes = Require(wire.Key, "key");
        var wireEntries = Require(wire.Entries, "entries");
        var wireDead = Require(wire.Dead, "dead dots");

        var key = _codec.DecodeKey(keyBytes);

        // The hash comes from our own encoding of the key, not the sender's bytes, so a non-canonical
        // encoding cannot place a key in the wrong leaf.
        var hash = _map.TryGetState(key, out var state) ? state.Hash : _map.Hasher.Hash(key);
        var entries = new Entry<TValue>[wireEntries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var wireEntry = Require(wireEntries[i], "entry");
            entries[i] = _codec.Decode(wireEntry, withValue: !_map.Context.Contains(new Dot(wireEntry.Replica, wireEntry.Counter)));
        }

        var dead = new Dot[wireDead.Length];
        for (var i = 0; i < dead.Length; i++)
        {
            var dot = Require(wireDead[i], "dead dot");
            dead[i] = dot.Counter != 0 ? new Dot(dot.Replica, dot.Counter) : throw new InvalidDataException("Dot counter 0.");
        }

        return (key, hash, entries, dead);
    }

    private bool ApplyWire(WireKey wire, List<Dot>? deadHere)
    {
        var (key, hash, entries, dead) = Decode(wire);
        return Apply(key, hash, entries, dead, deadHere);
    }

    private bool Apply(TKey key, ulong hash, Entry<TValue>[] entries, Dot[] dead, List<Dot>? deadHere)
    {
        Stats.KeysReceived++;
        CrdtMetrics.KeysReceived.Add(1);
        var changed = _map.Apply(key, hash, entries, dead, _diffs, deadHere);
        _dirty |= changed;
        return changed;
    }
}
