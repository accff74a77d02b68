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

    [Fact]
    public void A_remote_timestamp_further_ahead_than_the_drift_is_counted_and_not_followed()
    {
        var clock = new HybridLogicalClock(1) { MaxDriftMs = 60_000 };
        clock.ReadWallClock(1_000_000);

        Assert.True(clock.Observe(new HlcTimestamp(1_050_000, 4, 2))); // within the drift: followed
        Assert.Equal(1_050_000, clock.Last.Physical);
        Assert.False(clock.Observe(new HlcTimestamp(1_000_000 + 3_600_000, 0, 3)));
        Assert.Equal(1_050_000, clock.Last.Physical);
        Assert.Equal(1, clock.DriftRefusals);
        Assert.Equal(new HlcTimestamp(1_050_000, 5, 1), clock.Next(1_000_001));
    }

    [Fact]
    public void The_clock_does_not_wrap_at_the_top_of_its_range()
    {
        var clock = new HybridLogicalClock(1, long.MaxValue, uint.MaxValue - 1);
        var a = clock.Next(0);
        var b = clock.Next(0);
        var c = clock.Next(0);
        Assert.Equal(new HlcTimestamp(long.MaxValue, uint.MaxValue, 1), a);
        Assert.True(b >= a && c >= b, $"{a} {b} {c}");
        Assert.Equal(long.MaxValue, c.Physical);
    }

    [Fact]
    public void A_replica_stores_an_entry_from_a_clock_far_ahead_without_moving_its_own_clock()
    {
        const long wall = 1_700_000_000_000;
        var replica = new Sync.ReplicaCore<string, int>(new Sync.ReplicaOptions(), new NoNetwork(), newReplicaId: 1);
        replica.SetNeighbours([2], 0);
        var future = new Sync.WireEntry(2, 1, wall + 3_600_000, 0, MessagePack.MessagePackSerializer.Serialize(7));
        var batch = new Sync.DeltaBatch(1, [new Sync.WireKey(MessagePack.MessagePackSerializer.Serialize("from-the-future"), [future], [])]);

        Assert.True(replica.OnMessage(2, batch, nowMs: 10, wallClockMs: wall));

        Assert.True(replica.TryGetValue("from-the-future", out var value));
        Assert.Equal(7, value);
        Assert.Equal(1, replica.Stats.ClockDriftRefusals);
        replica.Put("mine", 1, wall + 1);
        Assert.Equal(wall + 1, replica.Map.EntriesOf("mine")[0].Timestamp.Physical);
    }

    private sealed class NoNetwork : Sync.ISyncTransport
    {
        public void Send(ulong to, Sync.SyncMessage message)
        {
        }
    }
}
