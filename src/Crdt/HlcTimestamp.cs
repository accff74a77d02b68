namespace Horde.Net.Crdt;

/// <summary>
/// A hybrid logical clock reading: wall-clock milliseconds, a logical counter for events within the same
/// millisecond (or while the wall clock lags behind a timestamp already seen), and the writing replica's id
/// as the final tie breaker. The order is total and identical on every node.
/// </summary>
/// <param name="Physical">Milliseconds since the Unix epoch (as read by the writer, or the largest seen).</param>
/// <param name="Logical">Counter that orders events sharing the same <paramref name="Physical"/> part.</param>
/// <param name="Replica">The writer's replica id; breaks ties between replicas.</param>
public readonly record struct HlcTimestamp(long Physical, uint Logical, ulong Replica) : IComparable<HlcTimestamp>
{
    /// <inheritdoc />
    public int CompareTo(HlcTimestamp other)
    {
        var c = Physical.CompareTo(other.Physical);
        if (c != 0)
        {
            return c;
        }

        c = Logical.CompareTo(other.Logical);
        return c != 0 ? c : Replica.CompareTo(other.Replica);
    }

    /// <summary>Whether <paramref name="left"/> orders after <paramref name="right"/>.</summary>
    public static bool operator >(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> orders before <paramref name="right"/>.</summary>
    public static bool operator <(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> orders after or equals <paramref name="right"/>.</summary>
    public static bool operator >=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) >= 0;

    /// <summary>Whether <paramref name="left"/> orders before or equals <paramref name="right"/>.</summary>
    public static bool operator <=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) <= 0;
}
