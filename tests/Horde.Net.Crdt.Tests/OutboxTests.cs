using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

public class OutboxTests
{
    private static WireKey Key(byte b) => new([b], [], []);

    [Fact]
    public void Unacknowledged_deltas_are_resent_with_growing_waits_and_acks_release_them()
    {
        var sent = new List<DeltaBatch>();
        var outbox = new Outbox(100, limit: 10);
        outbox.Add(Key(1));
        outbox.Add(Key(2));
        outbox.Add(Key(3));

        Assert.Equal(3, outbox.SendNew(9, batchSize: 2, nowMs: 0, (_, m) => sent.Add((DeltaBatch)m)));
        Assert.Equal([100UL, 102UL], sent.Select(b => b.FirstSeq));

        Assert.Equal(0, outbox.Resend(9, 2, nowMs: 100, resendAfterMs: 200, (_, m) => sent.Add((DeltaBatch)m)));
        Assert.Equal(3, outbox.Resend(9, 2, nowMs: 200, resendAfterMs: 200, (_, m) => sent.Add((DeltaBatch)m)));
        Assert.Equal(0, outbox.Resend(9, 2, nowMs: 500, resendAfterMs: 200, (_, m) => sent.Add((DeltaBatch)m))); // waits 400 now
        Assert.Equal(3, outbox.Resend(9, 2, nowMs: 600, resendAfterMs: 200, (_, m) => sent.Add((DeltaBatch)m)));

        Assert.Equal(1, outbox.Acknowledge(102, 102));
        Assert.Equal(3, outbox.Outstanding); // 100 and 101 still block the head
        Assert.Equal(2, outbox.Acknowledge(100, 101));
        Assert.Equal(0, outbox.Outstanding);
        Assert.Equal(0, outbox.Acknowledge(100, 102));
    }

    [Fact]
    public void A_full_outbox_drops_its_queue_and_asks_for_anti_entropy()
    {
        var outbox = new Outbox(1, limit: 2);
        Assert.True(outbox.Add(Key(1)));
        Assert.True(outbox.Add(Key(2)));
        Assert.False(outbox.Add(Key(3)));
        Assert.True(outbox.NeedsRepair);
        Assert.Equal(0, outbox.Outstanding);
    }
}
