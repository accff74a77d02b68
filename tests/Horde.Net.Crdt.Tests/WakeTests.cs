using Horde.Net.Crdt.Sync;
using Horde.Net.Crdt.Tests.OverGrpc;

namespace Horde.Net.Crdt.Tests;

/// <summary>An idle replica sleeps until its next round; pending work (a resend, a new neighbour) wakes it sooner.</summary>
public sealed class WakeTests
{
    private static readonly ReplicaOptions Options = new()
    {
        SyncInterval = TimeSpan.FromMilliseconds(200),
        ResendAfter = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public void An_idle_core_is_due_at_its_next_round_and_a_write_not_yet_acknowledged_at_its_resend()
    {
        var transport = new RecordingTransport();
        var replica = new ReplicaCore<string, int>(Options, transport, newReplicaId: 1);
        Assert.Equal(long.MaxValue, replica.NextWakeMs(1_000)); // no neighbours: nothing ever due

        replica.SetNeighbours([2], 1_000);
        Assert.True(replica.NextWakeMs(1_000) <= 1_000); // a new neighbour gets the first periodic round at once
        replica.OnTick(1_000);
        Assert.Equal(1_200, replica.NextWakeMs(1_010)); // then only the next round

        replica.Put("k", 1, wallClockMs: 1);
        replica.Flush(1_050);
        Assert.Equal(1_200, replica.NextWakeMs(1_050)); // the round comes before the resend (1,350)
        replica.OnTick(1_200);
        Assert.Equal(1_350, replica.NextWakeMs(1_200));

        var batch = transport.Sent.Select(s => s.Message).OfType<DeltaBatch>().Single();
        Assert.True(replica.OnMessage(2, new DeltaAck(batch.FirstSeq, batch.FirstSeq), 1_210));
        Assert.Equal(1_400, replica.NextWakeMs(1_210)); // acknowledged: back to rounds only
    }

    [Fact]
    public async Task An_idle_replica_process_wakes_for_its_rounds_not_every_tick()
    {
        await using var cluster = await GrpcNodes.StartAsync(2);
        await cluster.Replicas[0].PutAsync("k", "v");
        await Eventually.TrueAsync(() => cluster.Replicas[1].TryGetValue("k", out _), "the replicas sync");

        // Default options: rounds from every 200 ms backing off to every 2 s, a 50 ms tick interval. A poll would tick
        // about 80 times in 4 s; waking for rounds only, a few (a loaded machine can only make it fewer). The window
        // outlasts the 2 s session timeout, during which a replica that just synced starts no round of its own, and
        // of the pair known equal only the lower replica id keeps probing.
        var before = cluster.Replicas.Select(r => r.Stats.Ticks).ToArray();
        var rounds = cluster.Replicas.Select(r => r.Stats.Rounds).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(4)); // the quantity under test is what happens in an idle period
        var ticks = cluster.Replicas.Select((r, i) => r.Stats.Ticks - before[i]).ToArray();
        var roundsNow = cluster.Replicas.Select((r, i) => r.Stats.Rounds - rounds[i]).ToArray();
        Assert.True(ticks.All(t => t is >= 1 and <= 40), $"ticks in 4 s idle: {string.Join(", ", ticks)}; rounds {string.Join(", ", roundsNow)}");
        Assert.True(roundsNow.Sum() >= 1, $"rounds go on while idle: {string.Join(", ", roundsNow)}");
    }
}
