using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

public class InvariantTests
{
    private static ulong DotsIn(CausalContext context) =>
        context.VersionVector.Values.Aggregate(0UL, (sum, c) => sum + c) + (ulong)context.CloudCount;

    [Fact]
    public void Midway_through_a_truncated_transfer_the_receiver_has_seen_only_dots_it_holds()
    {
        var cluster = new SimulatedCluster<int, int>(5, new ReplicaOptions { MaxSyncSize = 50, MaxBulkSyncSize = 50, MaxPushesInFlight = 1 });
        var original = cluster.Add();
        for (var i = 0; i < 2_000; i++)
        {
            original.Put(i, i, cluster.NowMs);
        }

        var fresh = cluster.Add();
        var checks = 0;
        while (fresh.Count < 2_000)
        {
            Assert.True(cluster.RunUntil(cluster.NowMs + 10_000, () => fresh.Count > 0), "transfer never started");
            cluster.Run(1);

            // No removals happened, so every dot the fresh replica claims must be an entry it holds.
            Assert.Equal((ulong)fresh.Count, DotsIn(fresh.Map.Context));
            Assert.All(fresh.ToDictionary(), p => Assert.Equal(p.Key, p.Value));
            Assert.Equal(2_000, original.Count);
            checks++;
        }

        Assert.True(checks > 10, $"only {checks} intermediate states observed");
    }

    [Fact]
    public void A_replica_restored_from_a_stale_snapshot_does_not_bring_a_deleted_key_back()
    {
        var options = new ReplicaOptions { PersistDelay = TimeSpan.FromMilliseconds(100) };
        var cluster = new SimulatedCluster<string, int>(9, options);
        var a = cluster.Add(withStorage: true);
        var b = cluster.Add();
        var c = cluster.Add();
        a.Put("doomed", 1, cluster.NowMs);
        a.Flush(cluster.NowMs);
        Assert.True(cluster.RunUntil(cluster.NowMs + 5_000, () => b.TryGetValue("doomed", out _) && c.TryGetValue("doomed", out _)));
        cluster.Run(500); // a's snapshot now holds "doomed"
        Assert.Contains(cluster.Storages[0]!.Last!.Keys, k => k.Entries.Length > 0);

        b.Delete("doomed");
        b.Flush(cluster.NowMs);
        Assert.True(cluster.RunUntil(cluster.NowMs + 5_000, () => !a.TryGetValue("doomed", out _) && !c.TryGetValue("doomed", out _)));

        // Crash a before its next snapshot: it comes back (new id) holding "doomed" again...
        var staleKeys = cluster.Storages[0]!.Last!.Keys.Length;
        var restored = cluster.Crash(0, keepStorage: true);
        Assert.Equal(1, staleKeys);
        Assert.True(restored.TryGetValue("doomed", out _));

        // ...and anti-entropy removes it, because the others know its dot as dead.
        Assert.True(cluster.RunUntil(cluster.NowMs + 10_000, () => cluster.Replicas.All(r => r.Count == 0) && cluster.Converged()), "the deleted key came back");
    }
}
