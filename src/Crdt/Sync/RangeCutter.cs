namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Fills a message with whole hash ranges while they fit in the key budget, and cuts the first range that does
/// not fit at a key-hash boundary, so every range in a message is covered completely by the keys it carries.
/// </summary>
internal static class RangeCutter
{
    /// <summary>
    /// How many of <paramref name="sortedHashes"/> (ascending) to take with <paramref name="budget"/> keys left.
    /// Returns all of them if they fit; otherwise a prefix that does not split equal hashes, or 0 if even the first
    /// group does not fit and the message already has keys (start a new message then).
    /// </summary>
    public static int Take(IReadOnlyList<ulong> sortedHashes, int budget, bool messageEmpty)
    {
        if (sortedHashes.Count <= budget)
        {
            return sortedHashes.Count;
        }

        var take = budget;
        while (take > 0 && sortedHashes[take - 1] == sortedHashes[take])
        {
            take--;
        }

        if (take > 0 || !messageEmpty)
        {
            return take;
        }

        // A group of equal hashes larger than the budget: send it whole rather than never.
        take = 1;
        while (take < sortedHashes.Count && sortedHashes[take] == sortedHashes[0])
        {
            take++;
        }

        return take;
    }
}
