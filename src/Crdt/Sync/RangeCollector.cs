namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Gathers, in hash order, the entries a repair message carries for a hash range, leaf by leaf and only as far
/// as the key budget needs, and says how much of the range they cover: all of it, a prefix ending at a key
/// hash (the rest goes in a later message), or nothing (the message is full).
/// </summary>
internal static class RangeCollector
{
    /// <summary>What one range contributes to a message.</summary>
    /// <param name="Keys">The keys taken with the entries to send for each.</param>
    /// <param name="Covered">The part of the range those keys cover completely, or null if none fit.</param>
    /// <param name="Whole">Whether <paramref name="Covered"/> is the whole range.</param>
    public readonly record struct Taken<TKey, TValue>(List<(KeyState<TKey, TValue> State, Entry<TValue>[] Entries)> Keys, WireRange? Covered, bool Whole);

    /// <param name="map">The map to read.</param>
    /// <param name="range">The range, which may span leaves.</param>
    /// <param name="budget">Keys the message still has room for.</param>
    /// <param name="messageEmpty">Whether the message holds nothing yet (then an oversized equal-hash group goes whole).</param>
    /// <param name="pick">The entries to send for a key, or an empty array to leave the key out.</param>
    public static Taken<TKey, TValue> Take<TKey, TValue>(
        AwLwwMap<TKey, TValue> map, WireRange range, int budget, bool messageEmpty, Func<KeyState<TKey, TValue>, Entry<TValue>[]> pick)
        where TKey : notnull
    {
        var found = new List<(KeyState<TKey, TValue> State, Entry<TValue>[] Entries)>();
        var complete = true;
        for (var leaf = HashTree.LeafOf(range.Low); leaf <= HashTree.LeafOf(range.High); leaf++)
        {
            if (found.Count > budget)
            {
                complete = false; // enough to fill the message; leaves further on wait for the next one
                break;
            }

            var start = found.Count;
            foreach (var state in map.KeysInLeaf(leaf, range.Low, range.High))
            {
                var entries = pick(state);
                if (entries.Length > 0)
                {
                    found.Add((state, entries));
                }
            }

            found.Sort(start, found.Count - start, ByHash<TKey, TValue>.Instance);
        }

        var take = RangeCutter.Take([.. found.Select(f => f.State.Hash)], budget, messageEmpty);
        if (take == found.Count && complete)
        {
            return new(found, range, Whole: true);
        }

        if (take == 0)
        {
            return new([], null, Whole: false);
        }

        var last = found[take - 1].State.Hash;
        found.RemoveRange(take, found.Count - take);
        return new(found, new WireRange(range.Low, last), Whole: last == range.High);
    }

    private sealed class ByHash<TKey, TValue> : IComparer<(KeyState<TKey, TValue> State, Entry<TValue>[] Entries)>
    {
        public static readonly ByHash<TKey, TValue> Instance = new();

        public int Compare((KeyState<TKey, TValue> State, Entry<TValue>[] Entries) x, (KeyState<TKey, TValue> State, Entry<TValue>[] Entries) y) =>
            x.State.Hash.CompareTo(y.State.Hash);
    }
}
