namespace Horde.Net.Crdt;

/// <summary>
/// A hybrid logical clock for one replica. It never reads a clock itself: callers pass the current wall-clock
/// time, so the data type stays pure and simulations stay deterministic. Every timestamp it issues is greater
/// than every timestamp it issued or observed before, which makes last-writer-wins respect causality even when
/// wall clocks disagree.
/// </summary>
public sealed class HybridLogicalClock
{
    private long _physical;
    private uint _logical;

    /// <summary>Creates a clock for <paramref name="replica"/>, optionally resuming after a stored reading.</summary>
    /// <param name="replica">The replica id stamped on every timestamp.</param>
    /// <param name="physical">The physical part of the last reading (0 for a new clock).</param>
    /// <param name="logical">The logical part of the last reading.</param>
    public HybridLogicalClock(ulong replica, long physical = 0, uint logical = 0)
    {
        Replica = replica;
        _physical = physical;
        _logical = logical;
    }

    /// <summary>The replica id stamped on every timestamp.</summary>
    public ulong Replica { get; }

    /// <summary>
    /// How far ahead of the local wall clock a remote timestamp may be for this clock to follow it. One peer with a
    /// clock set a year ahead would otherwise drag every replica's clock (and every later write) a year ahead.
    /// Default 1 minute.
    /// </summary>
    public long MaxDriftMs { get; set; } = 60_000;

    /// <summary>The latest wall-clock reading given (by <see cref="Next"/> or <see cref="ReadWallClock"/>); 0 if none yet.</summary>
    public long WallClockMs { get; private set; }

    /// <summary>Remote timestamps refused by <see cref="Observe"/> for being too far ahead.</summary>
    public long DriftRefusals { get; private set; }

    /// <summary>Tells the clock the current wall-clock time, against which <see cref="Observe"/> bounds remote timestamps.</summary>
    /// <param name="wallClockMs">The current wall-clock time in Unix milliseconds.</param>
    public void ReadWallClock(long wallClockMs) => WallClockMs = Math.Max(WallClockMs, wallClockMs);

    /// <summary>The last timestamp issued or observed (with this replica's id).</summary>
    public HlcTimestamp Last => new(_physical, _logical, Replica);

    /// <summary>Issues a timestamp greater than any issued or observed so far.</summary>
    /// <param name="wallClockMs">The current wall-clock time in Unix milliseconds.</param>
    public HlcTimestamp Next(long wallClockMs)
    {
        ReadWallClock(wallClockMs);
        if (wallClockMs > _physical)
        {
            _physical = wallClockMs;
            _logical = 0;
        }
        else if (_logical == uint.MaxValue)
        {
            // Borrow from the future rather than wrap: order matters more than exactness. At the very top of the
            // range the clock stays put (ties then fall to the replica id) instead of wrapping to the distant past.
            if (_physical < long.MaxValue)
            {
                _physical++;
                _logical = 0;
            }
        }
        else
        {
            _logical++;
        }

        return new HlcTimestamp(_physical, _logical, Replica);
    }

    /// <summary>
    /// Moves the clock past a timestamp received from another replica, unless it lies more than
    /// <see cref="MaxDriftMs"/> ahead of the wall clock last read (then the clock stays and the refusal is counted;
    /// the entry carrying it is still stored). Before any wall-clock reading every timestamp is followed.
    /// </summary>
    /// <param name="remote">A timestamp seen in a received entry.</param>
    /// <returns>False if the timestamp was refused as too far ahead.</returns>
    public bool Observe(HlcTimestamp remote)
    {
        if (remote.Physical <= _physical && (remote.Physical != _physical || remote.Logical <= _logical))
        {
            return true;
        }

        if (WallClockMs > 0 && remote.Physical - WallClockMs > MaxDriftMs)
        {
            DriftRefusals++;
            return false;
        }

        _physical = remote.Physical;
        _logical = remote.Logical;
        return true;
    }
}
