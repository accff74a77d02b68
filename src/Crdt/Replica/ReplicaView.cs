using System.Collections;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt;

/// <summary>
/// The replica's local state as a read-only dictionary, without a copy: it reads the current process's map (lock-free),
/// so it follows restarts. <see cref="Count"/> is the replica's own counter, not the table's (which takes every lock).
/// </summary>
internal sealed class ReplicaView<TKey, TValue>(Func<ReplicaCore<TKey, TValue>> core) : IReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    public int Count => core().Count;

    public IEnumerable<TKey> Keys => core().View.Keys;

    public IEnumerable<TValue> Values => core().View.Values;

    public TValue this[TKey key] => core().View[key];

    public bool ContainsKey(TKey key) => core().View.ContainsKey(key);

    public bool TryGetValue(TKey key, out TValue value) => core().TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => core().View.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
