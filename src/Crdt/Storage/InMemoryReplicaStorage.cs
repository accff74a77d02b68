namespace Horde.Net.Crdt.Storage;

/// <summary>
/// Keeps the last snapshot in memory: for tests, simulations of restarts, and a named replica's restart by its
/// supervisor. A snapshot handed over as state captured for encoding is encoded only when it is read: a replica saves
/// after every burst of changes, and encoding every key each time, to be replaced by the next save unread, is most of
/// what a busy replica's saves would cost (the captured state never changes, so encoding it later gives the same snapshot).
/// </summary>
public sealed class InMemoryReplicaStorage : IReplicaStorage
{
    private readonly Lock _gate = new();
    private ReplicaSnapshot? _last;
    private Func<ReplicaSnapshot>? _pending;

    /// <summary>The last snapshot saved.</summary>
    public ReplicaSnapshot? Last
    {
        get
        {
            lock (_gate)
            {
                if (_pending is { } encode)
                {
                    _last = encode();
                    _pending = null;
                }

                return _last;
            }
        }
    }

    /// <summary>How many snapshots were saved.</summary>
    public int Saves { get; private set; }

    /// <inheritdoc />
    public ReplicaSnapshot? Load() => Last;

    /// <inheritdoc />
    public void Save(ReplicaSnapshot snapshot)
    {
        lock (_gate)
        {
            _last = snapshot;
            _pending = null;
            Saves++;
        }
    }

    /// <inheritdoc />
    public void Save(Func<ReplicaSnapshot> encode)
    {
        ArgumentNullException.ThrowIfNull(encode);
        lock (_gate)
        {
            _pending = encode;
            Saves++;
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
    }
}
