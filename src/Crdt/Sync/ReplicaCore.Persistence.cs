using Horde.Net.Crdt.Storage;

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
            _storage.Save(Snapshot(reusableId: false));
            _dirty = false;
            _dirtySinceMs = null;
        }
    }

    private ReplicaSnapshot Snapshot(bool reusableId)
    {
        var clock = _map.Clock.Last;
        return new ReplicaSnapshot(
            _map.ReplicaId,
            _map.Counter,
            clock.Physical,
            clock.Logical,
            reusableId,
            WireContext.From(_map.Context),
            [.. _map.States.Select(s => _codec.Encode(s, s.Entries))]);
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
