using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

/// <summary>
/// Idle rounds back off and, of a pair known equal, only the lower replica id probes; any change brings rounds back to
/// the base interval, so no difference waits longer than the documented bound (ReplicaCore.Pacing.cs).
/// </summary>
public sealed class PacingTests
{
    private static readonly ReplicaOptions Options = new()
    {
        SyncInterval = TimeSpan.FromMilliseconds(200),
        MaxIdleSyncInterval = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public void Quiet_rounds_double_their_interval_up_to_the_cap_and_a_write_restores_the_base_interval()
    {
        var transport = new RecordingTransport();
        var replica = new ReplicaCore<string, int>(Options, transport, newReplicaId: 1);
        replica.SetNeighbours([2], 0);

        var rounds = RoundTimes(replica, transport, untilMs: 12_000);
        var gaps = rounds.Zip(rounds.Skip(1), (a, b) => b - a).ToArray();
        Assert.Equal([200, 400, 800, 1_600, 2_000, 2_000, 2_000], gaps[..7]);

        var last = rounds[^1];
        replica.Put("k", 1, wallClockMs: 1);
        replica.Flush(last + 100);
        Assert.Equal(last + 300, replica.NextWakeMs(last + 100)); // within the base interval of the change, not 2 s
    }

    [Fact]
    public void The_higher_id_of_a_pair_known_equal_leaves_the_probing_to_the_lower_until_its_own_root_changes()
    {
        var transport = new RecordingTransport();
        var higher = new ReplicaCore<string, int>(Options, transport, newReplicaId: 9);
        higher.SetNeighbours([1], 0);
        higher.OnTick(0);
        Assert.NotEmpty(transport.Sent.Select(s => s.Message).OfType<TreeRoot>());

        // The lower replica's round finds the two equal (both empty).
        Assert.True(higher.OnMessage(1, new TreeRoot(higher.RootHash, 0), 10));
        transport.Sent.Clear();
        Assert.Empty(RoundTimes(higher, transport, untilMs: 4_000, fromMs: 10));

        higher.Put("k", 1, wallClockMs: 1);
        higher.Flush(4_000);
        transport.Sent.Clear();
        Assert.NotEmpty(RoundTimes(higher, transport, untilMs: 4_300, fromMs: 4_000)); // changed since: it probes again, at once

        var lowerSent = new RecordingTransport();
        var lower = new ReplicaCore<string, int>(Options, lowerSent, newReplicaId: 1);
        lower.SetNeighbours([9], 0);
        lower.OnTick(0);
        Assert.True(lower.OnMessage(9, new TreeRoot(lower.RootHash, 0), 10));
        lowerSent.Sent.Clear();
        Assert.NotEmpty(RoundTimes(lower, lowerSent, untilMs: 4_000, fromMs: 10)); // the lower id never skips
    }

    [Fact]
    public void Both_of_a_pair_found_equal_count_as_synced_although_only_the_lower_id_keeps_probing()
    {
        // Two empty replicas (a host's maps nobody wrote yet): neither owes an introduction, the lower id probes, and
        // the higher, which will now skip its rounds to it, answers once, so the prober hears the pair is equal too.
        // Without the answer the lower never counted as synced, and a host holding it never turned ready.
        var lowerSent = new RecordingTransport();
        var higherSent = new RecordingTransport();
        var lower = new ReplicaCore<string, int>(Options, lowerSent, newReplicaId: 1);
        var higher = new ReplicaCore<string, int>(Options, higherSent, newReplicaId: 9);
        lower.SetNeighbours([9], 0);
        higher.SetNeighbours([1], 0);
        var now = 0L;
        for (; now <= 10_000 && !(lower.HasSynced && higher.HasSynced); now += 50)
        {
            // The lower's round arrives before the higher's own is due: from then on the higher skips its rounds.
            lower.OnTick(now);
            Deliver(lowerSent, higher, now);
            higher.OnTick(now);
            Deliver(higherSent, lower, now);
        }
        Assert.True(higher.HasSynced, "the higher id heard the lower's equal root");
        Assert.True(lower.HasSynced, "the lower id heard the higher's answer");

        var answers = new List<long>();
        for (var end = now + 10_000; now <= end; now += 50)
        {
            lower.OnTick(now);
            Deliver(lowerSent, higher, now);
            higher.OnTick(now);
            answers.AddRange(higherSent.Sent.Where(s => s.Message is TreeRoot).Select(_ => now));
            Deliver(higherSent, lower, now);
        }
        Assert.True(answers.Count == 0, $"the higher id sent roots at {string.Join(", ", answers)} ms"); // one answer per root: the idle pair does not grow back to two probers
    }

    private static void Deliver(RecordingTransport from, ReplicaCore<string, int> to, long now)
    {
        var sent = from.Sent.ToList();
        from.Sent.Clear();
        foreach (var (_, message) in sent)
            to.OnMessage(SenderOf(to), message, now);
    }

    private static ulong SenderOf(ReplicaCore<string, int> receiver) => receiver.ReplicaId == 1 ? 9UL : 1UL;

    [Fact]
    public void A_key_written_while_a_backed_off_replica_was_cut_off_reaches_it_within_the_bound_after_the_heal()
    {
        var cluster = new SimulatedCluster<string, string>(5, Options);
        for (var i = 0; i < 5; i++)
        {
            cluster.Add();
        }

        cluster.Replicas[0].Put("warm", "up", cluster.NowMs);
        cluster.Flush();
        Assert.True(cluster.RunUntil(cluster.NowMs + 10_000, () => cluster.Converged() && cluster.Replicas.All(r => r.Count == 1)));
        cluster.Run(20_000); // long enough for every replica to reach the 2 s cap

        var cut = cluster.Replicas[4].ReplicaId;
        cluster.Network.Blocked = (from, to) => from == cut || to == cut;
        cluster.Replicas[0].Put("during", "partition", cluster.NowMs);
        cluster.Flush();
        cluster.Run(15_000);
        Assert.False(cluster.Replicas[4].TryGetValue("during", out _));

        cluster.Network.Blocked = null;
        var healedAt = cluster.NowMs;
        Assert.True(cluster.RunUntil(healedAt + 60_000, () => cluster.Converged() && cluster.Replicas[4].TryGetValue("during", out _)),
            "the cut-off replica never got the key");

        // Bound: ⌈neighbours / fanout⌉ × MaxIdleSyncInterval (4 neighbours here), plus a round trip.
        var neighbours = cluster.Replicas[4].Neighbours.Count;
        Assert.True(cluster.NowMs - healedAt <= (neighbours * 2_000) + 100, $"converged {cluster.NowMs - healedAt} ms after the heal, {neighbours} neighbours");
    }

    /// <summary>Drives <paramref name="replica"/> by its own wake times alone and returns when it sent a round.</summary>
    private static List<long> RoundTimes(ReplicaCore<string, int> replica, RecordingTransport transport, long untilMs, long fromMs = 0)
    {
        var times = new List<long>();
        var now = Math.Max(replica.NextWakeMs(fromMs), fromMs);
        while (now <= untilMs)
        {
            var before = transport.Sent.Count;
            replica.OnTick(now);
            if (transport.Sent.Skip(before).Any(s => s.Message is TreeRoot))
            {
                times.Add(now);
            }

            var next = replica.NextWakeMs(now);
            now = Math.Max(next, now + 1);
        }

        return times;
    }
}
