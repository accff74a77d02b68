using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

/// <summary>What a member removal means for sync: the removed replica can neither pull from nor push into this one.</summary>
public sealed class NeighbourTests
{
    [Fact]
    public void A_replica_that_is_not_a_neighbour_can_neither_pull_nor_push()
    {
        var cluster = new SimulatedCluster<string, int>(1, new ReplicaOptions());
        var a = cluster.Add();
        var b = cluster.Add();
        a.Put("shared", 1, cluster.NowMs);
        Assert.True(cluster.RunUntil(cluster.NowMs + 2_000, () => b.TryGetValue("shared", out _)), "the neighbours never synced");

        // a removes b from its members; b, not told (yet), keeps trying: a neither answers it nor takes its pushes.
        a.SetNeighbours([], cluster.NowMs);
        var dropped = a.Stats.FromNonNeighbours;
        b.Put("pushed by a removed member", 2, cluster.NowMs);
        a.Put("pulled by a removed member", 3, cluster.NowMs);
        cluster.RunUntil(cluster.NowMs + 2_000, () => false);

        Assert.False(a.TryGetValue("pushed by a removed member", out _));
        Assert.False(b.TryGetValue("pulled by a removed member", out _));
        Assert.True(a.Stats.FromNonNeighbours > dropped, "b's messages were not refused, it never sent any");
    }
}
