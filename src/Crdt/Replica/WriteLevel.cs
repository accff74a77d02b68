namespace Horde.Net.Crdt;

/// <summary>When a write to a replica completes.</summary>
public enum WriteLevel
{
    /// <summary>Once the local state holds it (its delta ships to the neighbours at once).</summary>
    Local,

    /// <summary>Once at least one neighbour has acknowledged its delta.</summary>
    One,

    /// <summary>Once every current neighbour has acknowledged its delta (a neighbour removed meanwhile no longer counts).</summary>
    All,
}

/// <summary>A write did not reach its <see cref="WriteLevel"/> in time. It is applied locally and still ships.</summary>
public sealed class WriteLevelTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public WriteLevelTimeoutException(WriteLevel level, int acknowledged, int neighbours, TimeSpan timeout)
        : base($"A write at level {level} was acknowledged by {acknowledged} of {neighbours} neighbours within {timeout.TotalMilliseconds:0} ms; it is applied locally and keeps shipping.")
    {
        Level = level;
        Acknowledged = acknowledged;
        Neighbours = neighbours;
    }

    /// <summary>The level asked for.</summary>
    public WriteLevel Level { get; }

    /// <summary>Neighbours that acknowledged.</summary>
    public int Acknowledged { get; }

    /// <summary>Neighbours the write went to (still neighbours at the timeout).</summary>
    public int Neighbours { get; }
}
