using System.Runtime.InteropServices;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Gathers the entries a repair message carries for a hash range, leaf by leaf in hash order and only as far
/// as the key budget needs, and says how much of the range they cover: all of it, a prefix ending at a key
/// hash (the rest goes in a later message), or nothing (the message is full). A range is cut only at a key-hash
/// boundary, so every range in a message is covered completely by the keys it carries.
/// </summary>
internal static class RangeCollector
{
    /// <summary>Appends to <paramref name="into"/> the keys of <paramref name="range"/> that fit in <paramref name="budget"/>.</summary>
    /// <param name="map">The map to read.</param>
    /// <param name="range">The range, which may span leaves.</param>
    /// <param name="budget">Keys the message still has room for.</param>
    /// <param name="messageEmpty">Whether the message holds nothing yet (then an oversized equal-hash group goes whole).</param>
    /// <param name="pick">The entries to send for a key, or an empty array to leave the key out.</param>
    /// <param name="into">The message's keys so far; the keys taken are added at its end.</param>
    /// <returns>The part of the range the keys added cover completely (null if none fit), and whether that is all of it.</returns>
    public static (WireRange? Covered, bool Whole) Take<TKey, TValue>(
        AwLwwMap<TKey, TValue> map, WireRange range, int budget, bool messageEmpty, Func<KeyState<TKey, TValue>, Entry<TValue>[]> pick,
        List<OutgoingKey<TKey, TValue>> into)
        where TKey : notnull
    {
        var start = into.Count;
        var complete = true;
        for (var leaf = HashTree.LeafOf(range.Low); leaf <= HashTree.LeafOf(range.High); leaf++)
        {
            if (into.Count - start > budget)
            {
                complete = false; // enough to fill the message; leaves further on wait for the next one
                break;
            }

            var leafStart = into.Count;
            for (var state = map.FirstInLeaf(leaf); state is not null; state = state.Next)
            {
                if (state.Hash >= range.Low && state.Hash <= range.High && pick(state) is { Length: > 0 } entries)
                {
                    into.Add(new OutgoingKey<TKey, TValue>(state.Key, state.Hash, entries, []));
                }
            }

            // Only the leaf where the message fills up is cut, and a cut needs its keys in hash order; the order of
            // keys taken whole does not matter (the message is encoded in dot order).
            if (into.Count - start > budget)
            {
                CollectionsMarshal.AsSpan(into)[leafStart..].Sort(static (a, b) => a.Hash.CompareTo(b.Hash));
            }
        }

        var found = CollectionsMarshal.AsSpan(into)[start..];
        var take = Cut(found, budget, messageEmpty);
        if (take == found.Length && complete)
        {
            return (range, true);
        }

        into.RemoveRange(start + take, found.Length - take);
        if (take == 0)
        {
            return (null, false);
        }

        // The highest hash taken: the cut leaf is in hash order, but a cut at its very start leaves a leaf taken whole last.
        var last = 0UL;
        foreach (var key in CollectionsMarshal.AsSpan(into)[start..])
        {
            last = Math.Max(last, key.Hash);
        }

        return (new WireRange(range.Low, last), last == range.High);
    }

    /// <summary>
    /// How many of <paramref name="keys"/> (ascending by hash) to take with <paramref name="budget"/> keys left: all
    /// if they fit; otherwise a prefix that does not split equal hashes, or 0 if even the first group does not fit and
    /// the message already has keys (start a new message then).
    /// </summary>
    private static int Cut<TKey, TValue>(ReadOnlySpan<OutgoingKey<TKey, TValue>> keys, int budget, bool messageEmpty)
    {
        if (keys.Length <= budget)
        {
            return keys.Length;
        }

        var take = budget;
        while (take > 0 && keys[take - 1].Hash == keys[take].Hash)
        {
            take--;
        }

        if (take > 0 || !messageEmpty)
        {
            return take;
        }

        // A group of equal hashes larger than the budget: send it whole rather than never.
        take = 1;
        while (take < keys.Length && keys[take].Hash == keys[0].Hash)
        {
            take++;
        }

        return take;
    }

    /// <summary>
    /// Whether <paramref name="map"/> holds no key in <paramref name="ranges"/>: every leaf they touch is empty, or (a leaf
    /// cut by a range's end, as consecutive pushes cut a leaf between them) holds keys only outside the range.
    /// </summary>
    public static bool HoldsNothingIn<TKey, TValue>(AwLwwMap<TKey, TValue> map, WireRange[] ranges)
        where TKey : notnull
    {
        foreach (var range in ranges)
        {
            for (var leaf = HashTree.LeafOf(range.Low); leaf <= HashTree.LeafOf(range.High); leaf++)
            {
                if (map.Tree.Node(HashTree.LeafLevel, leaf) == 0)
                {
                    continue;
                }

                if (range.Low <= HashTree.LeafLow(leaf) && HashTree.LeafHigh(leaf) <= range.High)
                {
                    return false;
                }

                for (var state = map.FirstInLeaf(leaf); state is not null; state = state.Next)
                {
                    if (state.Hash >= range.Low && state.Hash <= range.High)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}
