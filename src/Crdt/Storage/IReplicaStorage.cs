namespace Horde.Net.Crdt.Storage;

/// <summary>
/// Persists and restores a replica's state (delta_crdt_ex's storage module). The replica decides when to save
/// (coalesced, at most <see cref="Sync.ReplicaOptions.PersistDelay"/> after a change, and on close).
/// </summary>
public interface IReplicaStorage
{
    /// <summary>The last saved snapshot, or null if there is none.</summary>
    ReplicaSnapshot? Load();

    /// <summary>Queues <paramref name="snapshot"/> to be written; must not block the replica for long.</summary>
    void Save(ReplicaSnapshot snapshot);

    /// <summary>
    /// Queues a snapshot that <paramref name="encode"/> builds from state the replica captured and no longer
    /// changes, so a storage that writes in the background can also encode there and the replica's writes do not
    /// wait for the encoding of a big map. By default it encodes at once and calls <see cref="Save(ReplicaSnapshot)"/>.
    /// </summary>
    void Save(Func<ReplicaSnapshot> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        Save(encode());
    }

    /// <summary>Blocks until every queued snapshot is durable.</summary>
    void Flush();
}
