using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

public class ReplicaSyncTests
{
    private static readonly ReplicaOptions Defaults = new();

    [Fact]
    public void A_put_and_a_delete_reach_the_other_replica_through_deltas()
    {
        var cluster = new SimulatedCluster<string, int>(1, Defaults);
        var a = cluster.Add();
        var b = cluster.Add();
        var seen = new List<Diff<string, int>>();
        b.Changed += seen.AddRange;

        a.Put("x", 1, cluster.NowMs);
        a.Flush(cluster.NowMs);
        Assert.True(cluster.RunUntil(cluster.NowMs + 100, () => b.TryGetValue("x", out _)), "put never arrived");
        a.Delete("x");
        a.Flush(cluster.NowMs);
        Assert.True(cluster.RunUntil(cluster.NowMs + 100, () => b.Count == 0), "delete never arrived");
        Assert.Equal(
            [
                new(DiffKind.Add, "x", 1) { Origin = ChangeOrigin.Neighbour },
                new(DiffKind.Remove, "x", 0) { HadPrevious = true, Previous = 1, Origin = ChangeOrigin.Neighbour },
            ],
            seen);
    }

    [Fact]
    public void Issue45_a_fresh_replica_receives_all_100k_keys_and_the_original_keeps_them()
    {
        var cluster = new SimulatedCluster<int, int>(45, Defaults);
        var original = cluster.Add();
        for (var i = 0; i < 100_000; i++)
        {
            original.Put(i, i * 7, cluster.NowMs);
        }

        var fresh = cluster.Add();
        Assert.False(fresh.HasSynced);
        var converged = cluster.RunUntil(cluster.NowMs + 60_000, () => fresh.Count == 100_000 && cluster.Converged());

        Assert.True(converged, $"fresh replica has {fresh.Count} keys, original {original.Count}");
        Assert.Equal(100_000, original.Count);
        Assert.Equal(original.ToDictionary().OrderBy(p => p.Key), fresh.ToDictionary().OrderBy(p => p.Key));
        // Pushes into the empty replica carry MaxBulkSyncSize keys (so 20 of them, not 500); every other message
        // MaxSyncSize; every message stays within MaxSyncBytes.
        Assert.True(cluster.Network.MaxKeysByKind[nameof(RangePush)] <= Defaults.MaxBulkSyncSize, $"a push carried {cluster.Network.MaxKeysByKind[nameof(RangePush)]} keys");
        Assert.True(cluster.Network.MaxKeysByKind.Where(k => k.Key != nameof(RangePush)).All(k => k.Value <= Defaults.MaxSyncSize), string.Join(", ", cluster.Network.MaxKeysByKind));
        Assert.True(cluster.Network.MaxMessageBytes <= Defaults.MaxSyncBytes, $"a message took {cluster.Network.MaxMessageBytes} bytes");
        Assert.True(original.Stats.MessagesSent < 100, $"the original sent {original.Stats.MessagesSent} messages");
        Assert.True(fresh.Map.Context.SetEquals(original.Map.Context));
        Assert.True(cluster.RunUntil(cluster.NowMs + 1_000, () => fresh.HasSynced), "the fresh replica never learned it is in sync");

        // Nothing twice, and no walk down to 4,096 leaf hashes when one side holds nothing.
        Assert.Equal(100_000, original.Stats.KeysSent);
        var walkBytes = cluster.Network.BytesByKind.GetValueOrDefault(nameof(TreeLevel));
        Assert.True(walkBytes < 5_000, $"the tree walk took {walkBytes} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_third_replica_is_repaired_at_once_by_a_neighbour_that_just_finished_being_repaired(int seed)
    {
        // B has just taken every key from A when C joins: B must not wait out the session timeout before serving C.
        var cluster = new SimulatedCluster<int, int>(seed, Defaults);
        var a = cluster.Add();
        for (var i = 0; i < 20_000; i++)
        {
            a.Put(i, i, cluster.NowMs);
        }

        var b = cluster.Add();
        Assert.True(cluster.RunUntil(cluster.NowMs + 10_000, () => b.Count == 20_000), $"second replica has {b.Count} keys");

        var c = cluster.Add();
        var joined = cluster.NowMs;
        Assert.True(cluster.RunUntil(joined + 60_000, () => c.Count == 20_000), $"third replica has {c.Count} keys");
        var took = cluster.NowMs - joined;
        Assert.True(took < Defaults.SessionTimeoutMs / 2, $"the third replica took {took} ms (simulated) to receive every key");
        Assert.True(cluster.RunUntil(cluster.NowMs + 5_000, cluster.Converged), "not converged");
    }
}
