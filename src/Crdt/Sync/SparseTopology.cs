namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Picks a replica's neighbours so that per-node sync cost grows with log N, not N: members sorted by id form a
/// ring, and each links to the members 1, 2, 4, 8, ... places ahead and behind (both directions, so the relation
/// is symmetric). Every member computes the same graph from the same member list; its diameter is about log2 N.
/// </summary>
public static class SparseTopology
{
    /// <summary>The neighbours of <paramref name="self"/> among <paramref name="members"/> (which may include it).</summary>
    public static IReadOnlyList<ulong> Neighbours(ulong self, IEnumerable<ulong> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var ring = members.Append(self).Distinct().Order().ToArray();
        var n = ring.Length;
        var me = Array.IndexOf(ring, self);
        var result = new SortedSet<ulong>();
        for (var step = 1; step < n; step <<= 1)
        {
            result.Add(ring[(me + step) % n]);
            result.Add(ring[((me - step) % n + n) % n]);
        }

        result.Remove(self);
        return [.. result];
    }
}
