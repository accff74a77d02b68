using Horde.Net.Crdt;

namespace Horde.Net.Crdt.Tests;

public class HybridLogicalClockTests
{
    [Fact]
    public void Timestamps_increase_even_when_the_wall_clock_goes_back()
    {
        var clock = new HybridLogicalClock(1);
        var a = clock.Next(1_000);
        var b = clock.Next(900);
        var c = clock.Next(1_000);
        var d = clock.Next(1_001);

        Assert.True(a < b && b < c && c < d);
        Assert.Equal(1_000, c.Physical);
        Assert.Equal(2u, c.Logical);
        Assert.Equal(new HlcTimestamp(1_001, 0, 1), d);
    }

    [Fact]
    public void A_write_after_observing_a_remote_one_orders_after_it_despite_a_slower_clock()
    {
        var clock = new HybridLogicalClock(1);
        var remote = new HlcTimestamp(5_000, 3, 2);
        clock.Observe(remote);
        Assert.True(clock.Next(10) > remote);
    }

    [Fact]
    public void Equal_physical_and_logical_parts_are_ordered_by_replica_id()
    {
        var low = new HlcTimestamp(5, 0, 1);
        var high = new HlcTimestamp(5, 0, 2);
        Assert.True(high > low);
        Assert.Equal(-1, low.CompareTo(high));
    }
}
