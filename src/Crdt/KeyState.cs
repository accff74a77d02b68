namespace Horde.Net.Crdt;

/// <summary>
/// The live entries of one key plus its links in its hash-tree leaf's list, so a sync can walk the keys of
/// one leaf without scanning the map.
/// </summary>
internal sealed class KeyState<TKey, TValue>(TKey key, ulong hash)
{
    public readonly TKey Key = key;
    public readonly ulong Hash = hash;

    /// <summary>Live entries; nearly always one, more only after concurrent writes not yet superseded.</summary>
    public Entry<TValue>[] Entries = [];

    public KeyState<TKey, TValue>? Next;
    public KeyState<TKey, TValue>? Previous;

    /// <summary>The entry reads return: the one with the greatest timestamp.</summary>
    public Entry<TValue> Winner()
    {
        var entries = Entries;
        var best = entries[0];
        for (var i = 1; i < entries.Length; i++)
        {
            if (entries[i].Timestamp > best.Timestamp)
            {
                best = entries[i];
            }
        }

        return best;
    }

    public bool Holds(Dot dot)
    {
        foreach (var entry in Entries)
        {
            if (entry.Dot == dot)
            {
                return true;
            }
        }

        return false;
    }
}
