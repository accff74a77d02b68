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

    /// <summary>Blocks until every queued snapshot is durable.</summary>
    void Flush();
}
