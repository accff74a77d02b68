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

    /// <summary>The last timestamp issued or observed (with this replica's id).</summary>
    public HlcTimestamp Last => new(_physical, _logical, Replica);

    /// <summary>Issues a timestamp greater than any issued or observed so far.</summary>
    /// <param name="wallClockMs">The current wall-clock time in Unix milliseconds.</param>
    public HlcTimestamp Next(long wallClockMs)
    {
        if (wallClockMs > _physical)
        {
            _physical = wallClockMs;
            _logical = 0;
        }
        else if (_logical == uint.MaxValue)
        {
            // Borrow from the future rather than wrap: order matters more than exactness.
            _physical++;
            _logical = 0;
        }
        else
        {
            _logical++;
        }

        return new HlcTimestamp(_physical, _logical, Replica);
    }

    /// <summary>Moves the clock past a timestamp received from another replica.</summary>
    /// <param name="remote">A timestamp seen in a received entry.</param>
    public void Observe(HlcTimestamp remote)
    {
        if (remote.Physical > _physical || (remote.Physical == _physical && remote.Logical > _logical))
        {
            _physical = remote.Physical;
            _logical = remote.Logical;
        }
    }
}
