using Horde.Net.Cluster;
using Horde.Net.Crdt.Storage;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt;

/// <summary>
/// A replicated add-wins last-writer-wins map on a node: writes go through the replica's process, reads come straight
/// from its local state and never wait behind a sync. Replicas on different nodes converge once they are neighbours.
/// </summary>
/// <example>
/// <code>
/// var replica = await Replica&lt;string, string&gt;.StartAsync(node);
/// await replica.SetNeighboursAsync([otherReplicaPid]);
/// await replica.PutAsync("k", "v");
/// replica.TryGetValue("k", out var value);
/// </code>
/// </example>
public sealed class Replica<TKey, TValue>
    where TKey : notnull
{
    private readonly ReplicaProcess<TKey, TValue> _process;

    private Replica(ReplicaProcess<TKey, TValue> process, Pid pid)
    {
        _process = process;
        Pid = pid;
    }

    /// <summary>The replica's process: give it to other replicas as a neighbour.</summary>
    public Pid Pid { get; }

    /// <summary>The replica's id in the map's dots.</summary>
    public ulong ReplicaId => _process.Core.ReplicaId;

    /// <summary>True once this replica has been found equal to a neighbour or has finished a repair with one.</summary>
    public bool HasSynced => _process.Core.HasSynced;

    /// <summary>How many keys the map holds.</summary>
    public int Count => _process.Core.Count;

    /// <summary>Counters of the sync protocol.</summary>
    public SyncStats Stats => _process.Core.Stats;

    /// <summary>
    /// Raised on the replica's process, in order, after each change of the map (local or from a neighbour): the
    /// added or replaced keys with their values and the removed keys. Handlers must be quick and must not block.
    /// </summary>
    public event Action<IReadOnlyList<Diff<TKey, TValue>>>? Changed
    {
        add => _process.Core.Changed += value;
        remove => _process.Core.Changed -= value;
    }

    /// <summary>Starts a replica process on <paramref name="node"/>.</summary>
    /// <param name="node">The node.</param>
    /// <param name="options">Sync settings; the defaults of delta_crdt (200 ms interval, 200 keys per message).</param>
    /// <param name="storage">Persists and restores the state.</param>
    /// <param name="start">Name and parent of the process.</param>
    /// <param name="tickInterval">How often the process lets the sync protocol act; 50 ms by default.</param>
    public static async Task<Replica<TKey, TValue>> StartAsync(Node node, ReplicaOptions? options = null, IReplicaStorage? storage = null,
        StartOptions? start = null, TimeSpan? tickInterval = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ReplicaProcess<TKey, TValue>? process = null;
        var pid = await node.StartAsync(
            () => process = new ReplicaProcess<TKey, TValue>(options ?? new ReplicaOptions(), storage, tickInterval ?? TimeSpan.FromMilliseconds(50)),
            start);
        return new Replica<TKey, TValue>(process!, pid);
    }

    /// <summary>Sets the neighbours this replica syncs with: replica processes on this or other nodes.</summary>
    public async Task SetNeighboursAsync(IEnumerable<Pid> neighbours, TimeSpan? timeout = null) =>
        await Pid.CallAsync<object?>(new ReplicaNeighbours([.. neighbours.Where(p => p != Pid)]), timeout);

    /// <summary>Puts a value; the write is local once this returns and ships to the neighbours at once.</summary>
    public Task PutAsync(TKey key, TValue value, TimeSpan? timeout = null) =>
        WriteAsync(core => core.Put(key, value, ReplicaProcess<TKey, TValue>.WallClockMs), timeout);

    /// <summary>Deletes a key.</summary>
    public Task DeleteAsync(TKey key, TimeSpan? timeout = null) => WriteAsync(core => core.Delete(key), timeout);

    /// <summary>Puts many values in one write (delta_crdt's merge).</summary>
    public Task MergeAsync(IEnumerable<KeyValuePair<TKey, TValue>> pairs, TimeSpan? timeout = null) =>
        WriteAsync(core => core.Merge(pairs, ReplicaProcess<TKey, TValue>.WallClockMs), timeout);

    /// <summary>Deletes many keys in one write (delta_crdt's drop).</summary>
    public Task DropAsync(IEnumerable<TKey> keys, TimeSpan? timeout = null) => WriteAsync(core => core.Drop(keys), timeout);

    /// <summary>Reads one key from the local state.</summary>
    public bool TryGetValue(TKey key, out TValue value) => _process.Core.TryGetValue(key, out value);

    /// <summary>Reads several keys from the local state.</summary>
    public Dictionary<TKey, TValue> Take(IEnumerable<TKey> keys) => _process.Core.Take(keys);

    /// <summary>A copy of the whole local state.</summary>
    public Dictionary<TKey, TValue> ToDictionary() => _process.Core.ToDictionary();

    private async Task WriteAsync(Action<ReplicaCore<TKey, TValue>> write, TimeSpan? timeout) =>
        await Pid.CallAsync<object?>(new ReplicaWrite(() => write(_process.Core)), timeout);
}
