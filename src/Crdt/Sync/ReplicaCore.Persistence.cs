using Horde.Net.Crdt.Storage;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Crdt.Sync;

/// <summary>Persistence: coalesced snapshots at most <see cref="ReplicaOptions.PersistDelay"/> after a change.</summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    private bool _dirty;
    private long? _dirtySinceMs;

    private void PersistIfDue(long nowMs)
    {
        if (_storage is null || !_dirty)
        {
            return;
        }

        _dirtySinceMs ??= nowMs;
        if (nowMs - _dirtySinceMs.Value >= _options.PersistDelayMs)
        {
            _storage.Save(DeferredSnapshot(reusableId: false));
            _dirty = false;
            _dirtySinceMs = null;
        }
    }

    /// <summary>
    /// Captures the state now and encodes it when called, on whichever thread the storage chooses. The capture is a
    /// copy of references only (a key's entry array is replaced, never changed, on a write; the context is the
    /// small part, copied as it is), so the owner's writes wait for it and not for encoding every value.
    /// </summary>
    private Func<ReplicaSnapshot> DeferredSnapshot(bool reusableId)
    {
        var (id, counter, clock) = (_map.ReplicaId, _map.Counter, _map.Clock.Last);
        var context = WireContext.From(_map.Context);
        var keys = new (TKey Key, Entry<TValue>[] Entries)[_map.Count];
        var i = 0;
        foreach (var state in _map.States)
        {
            keys[i++] = (state.Key, state.Entries);
        }

        var codec = _codec;
        return () => new ReplicaSnapshot(
            id, counter, clock.Physical, clock.Logical, reusableId, context,
            [.. keys.Select(k => new WireKey(codec.EncodeKey(k.Key), [.. k.Entries.Select(codec.Encode)], []))]);
    }

    private bool TryRestore(ReplicaSnapshot snapshot)
    {
        try
        {
            Restore(snapshot);
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or MessagePack.MessagePackSerializationException or ArgumentException or InvalidOperationException)
        {
            _logger.LogError(e, "The stored snapshot of replica {Replica:x16} is unusable; starting empty, to be repaired by its neighbours", snapshot.ReplicaId);
            return false;
        }
    }

    private void Restore(ReplicaSnapshot snapshot)
    {
        var context = Require(snapshot.Context, "snapshot context").ToContext();
        var keys = new List<(TKey, ulong, IReadOnlyList<Entry<TValue>>)>();
        foreach (var wire in Require(snapshot.Keys, "snapshot keys"))
        {
            _codec.Observe(wire);
            var key = _codec.DecodeKey(Require(wire.Key, "key"));
            keys.Add((key, _map.Hasher.Hash(key), [.. Require(wire.Entries, "entries").Select(e => _codec.Decode(e, withValue: true))]));
        }

        var sameId = snapshot.ReplicaId == _map.ReplicaId;
        _map.Restore(sameId ? snapshot.Counter : 0, new HlcTimestamp(snapshot.ClockPhysical, snapshot.ClockLogical, _map.ReplicaId), context, keys);
        foreach (var (key, value) in _map.Read())
        {
            _view[key] = value;
        }

        _count = _view.Count;

        if (sameId && _storage is not null)
        {
            // From now on this id writes dots the stored snapshot does not know: a crash before the next
            // snapshot must not let a later incarnation reuse the id.
            _storage.Save(snapshot with { ReusableId = false });
            _storage.Flush();
        }
    }
}
