namespace Horde.Net.Crdt;

/// <summary>
/// A delta restricted to one key: the entries it adds and the dots of that key it has seen removed.
/// Its causal context is exactly the dots of <see cref="Entries"/> plus <see cref="Dead"/>, all of which
/// belong to <see cref="Key"/>, so applying it can never make a replica claim a dot of another key.
/// </summary>
/// <typeparam name="TKey">The map's key type.</typeparam>
/// <typeparam name="TValue">The map's value type.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="KeyHash">The key's stable hash (its position in the hash tree).</param>
/// <param name="Entries">Entries the sender holds for the key (for a put: the one new entry).</param>
/// <param name="Dead">Dots of the key the sender has seen and removed.</param>
public sealed record KeyDelta<TKey, TValue>(TKey Key, ulong KeyHash, Entry<TValue>[] Entries, Dot[] Dead)
    where TKey : notnull;
