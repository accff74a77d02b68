namespace Horde.Net.Crdt.Storage;

/// <summary>Keeps the last snapshot in memory: for tests and simulations of restarts.</summary>
public sealed class InMemoryReplicaStorage : IReplicaStorage
{
    /// <summary>The last snapshot saved.</summary>
    public ReplicaSnapshot? Last { get; private set; }

    /// <summary>How many snapshots were saved.</summary>
    public int Saves { get; private set; }

    /// <inheritdoc />
    public ReplicaSnapshot? Load() => Last;

    /// <inheritdoc />
    public void Save(ReplicaSnapshot snapshot)
    {
        Last = snapshot;
        Saves++;
    }

    /// <inheritdoc />
    public void Flush()
    {
    }
}
