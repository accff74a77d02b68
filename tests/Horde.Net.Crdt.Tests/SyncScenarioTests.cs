using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

public class SyncScenarioTests
{
    [Fact]
    public void Issue65_replicas_writing_once_per_sync_interval_under_loss_lose_no_key()
    {
        var cluster = new SimulatedCluster<string, int>(65, new ReplicaOptions());
        for (var i = 0; i < 3; i++)
        {
            cluster.Add();
        }

        cluster.Network.Faults = new NetworkFaults(LatencyMs: 1, JitterMs: 30, DropProbability: 0.1, DuplicateProbability: 0.05);
        var random = new Random(65);
        var written = new Dictionary<string, int>();
        for (var round = 0; round < 100; round++)
        {
            for (var r = 0; r < cluster.Replicas.Count; r++)
            {
                var key = $"r{r}-k{round}";
                cluster.Replicas[r].Put(key, round, cluster.NowMs);
                cluster.Replicas[r].Flush(cluster.NowMs);
                written[key] = round;
            }

            cluster.Run(180 + random.Next(40));
        }

        cluster.Network.Faults = NetworkFaults.None;
        var done = cluster.RunUntil(cluster.NowMs + 30_000, () => cluster.Converged() && cluster.Replicas.All(r => r.Count == written.Count));

        foreach (var replica in cluster.Replicas)
        {
            var missing = written.Keys.Where(k => !replica.TryGetValue(k, out _)).ToList();
            Assert.True(missing.Count == 0, $"replica lost {missing.Count} keys, e.g. {string.Join(", ", missing.Take(5))}");
            Assert.Equal(written.OrderBy(p => p.Key), replica.ToDictionary().OrderBy(p => p.Key));
        }

        Assert.True(done);
    }

    [Fact]
    public void Truncating_every_message_to_three_keys_still_transfers_every_key_including_split_leaves()
    {
        // 20,000 keys put about five in each of the 4,096 hash-tree leaves, so ranges are cut inside leaves.
        var options = new ReplicaOptions { MaxSyncSize = 3, MaxBulkSyncSize = 3 };
        var cluster = new SimulatedCluster<int, string>(3, options);
        var a = cluster.Add();
        var b = cluster.Add();
        for (var i = 0; i < 10_000; i++)
        {
            a.Put(i, $"a{i}", cluster.NowMs);
            b.Put(i + 10_000, $"b{i}", cluster.NowMs);
        }

        cluster.Network.Faults = new NetworkFaults(LatencyMs: 1, JitterMs: 3, DropProbability: 0.02, DuplicateProbability: 0.02);
        cluster.RunUntil(cluster.NowMs + 600_000, () => a.Count == 20_000 && b.Count == 20_000);

        Assert.Equal(20_000, a.Count);
        Assert.Equal(20_000, b.Count);
        Assert.True(cluster.Converged());
        Assert.True(cluster.Network.MaxKeysPerMessage <= 3, $"a message carried {cluster.Network.MaxKeysPerMessage} keys");
    }

    [Fact]
    public void Idle_replicas_exchange_only_root_hashes()
    {
        var cluster = new SimulatedCluster<int, int>(7, new ReplicaOptions());
        for (var i = 0; i < 10; i++)
        {
            cluster.Add();
        }

        cluster.Replicas[0].Put(1, 1, cluster.NowMs);
        cluster.Flush();
        Assert.True(cluster.RunUntil(cluster.NowMs + 10_000, () => cluster.Converged() && cluster.Replicas.All(r => r.Count == 1)));
        cluster.Run(5_000);
        var before = cluster.Network.BytesSent.Values.Sum();
        var rounds = cluster.Replicas.Sum(r => r.Stats.Rounds);
        cluster.Run(10_000);
        var bytesPerNodePerSecond = (cluster.Network.BytesSent.Values.Sum() - before) / 10.0 / 10;

        // Backed off to one round per MaxIdleSyncInterval (2 s) at most, of which pairs known equal skip half: rounds
        // go on, at no more than a replica's five in 10 s (50 before the back-off).
        var idleRounds = cluster.Replicas.Sum(r => r.Stats.Rounds) - rounds;
        Assert.True(idleRounds >= 10, $"anti-entropy rounds stopped: {idleRounds} in 10 s");
        Assert.True(idleRounds <= 10 * 6, $"idle rounds did not back off: {idleRounds} in 10 s");
        Assert.True(bytesPerNodePerSecond < 50, $"idle traffic {bytesPerNodePerSecond} B/s per node");
    }

    [Fact]
    public void A_partition_heals_and_both_sides_converge_with_concurrent_writes_resolved_by_timestamp()
    {
        var cluster = new SimulatedCluster<string, string>(11, new ReplicaOptions());
        for (var i = 0; i < 6; i++)
        {
            cluster.Add();
        }

        var left = cluster.Replicas.Take(3).Select(r => r.ReplicaId).ToHashSet();
        cluster.Network.Blocked = (from, to) => left.Contains(from) != left.Contains(to);
        cluster.Replicas[0].Put("k", "left", cluster.NowMs);
        cluster.Run(5);
        cluster.Replicas[5].Put("k", "right", cluster.NowMs);
        cluster.Replicas[5].Put("only-right", "x", cluster.NowMs);
        cluster.Flush();
        cluster.Run(2_000);
        Assert.False(cluster.Converged());

        cluster.Network.Blocked = null;
        Assert.True(cluster.RunUntil(cluster.NowMs + 20_000, cluster.Converged), "never converged after heal");
        foreach (var replica in cluster.Replicas)
        {
            Assert.True(replica.TryGetValue("k", out var value));
            Assert.Equal("right", value);
            Assert.True(replica.TryGetValue("only-right", out _));
        }
    }
}
