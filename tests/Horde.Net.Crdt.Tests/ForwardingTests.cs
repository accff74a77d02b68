using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

/// <summary>
/// A received delta that is news goes on to the receiver's neighbours, except those the sender ships to itself (each
/// batch names the sender's neighbours): in a full mesh nobody forwards, along a line every hop does.
/// </summary>
public sealed class ForwardingTests
{
    private const int Keys = 20;

    [Fact]
    public void In_a_full_mesh_a_write_reaches_every_replica_and_is_not_forwarded()
    {
        // No anti-entropy round in the window either (the interval is an hour), so every key b and c send is a forward.
        var cluster = new SimulatedCluster<string, int>(3, new ReplicaOptions { SyncInterval = TimeSpan.FromHours(1) }, fullMesh: true);
        var (a, b, c) = (cluster.Add(), cluster.Add(), cluster.Add());
        Assert.True(cluster.RunUntil(cluster.NowMs + 5_000, cluster.Converged), "the empty replicas never settled");
        var sentBefore = (b.Stats.KeysSent, c.Stats.KeysSent);

        for (var i = 0; i < Keys; i++)
            a.Put($"k{i}", i, cluster.NowMs);
        a.Flush(cluster.NowMs);

        Assert.True(cluster.RunUntil(cluster.NowMs + 5_000, () => b.Count == Keys && c.Count == Keys), "a's writes did not reach both neighbours");
        Assert.Equal(sentBefore, (b.Stats.KeysSent, c.Stats.KeysSent)); // neither passed on what a had sent the other itself
    }

    [Fact]
    public void Along_a_line_the_middle_replica_forwards_to_the_end()
    {
        var cluster = new SimulatedCluster<string, int>(4, new ReplicaOptions { SyncInterval = TimeSpan.FromHours(1) });
        var (a, b, c) = (cluster.Add(updateTopology: false), cluster.Add(updateTopology: false), cluster.Add(updateTopology: false));
        a.SetNeighbours([b.ReplicaId], cluster.NowMs);
        b.SetNeighbours([a.ReplicaId, c.ReplicaId], cluster.NowMs);
        c.SetNeighbours([b.ReplicaId], cluster.NowMs);
        cluster.Run(1_000);
        var forwardedBefore = b.Stats.KeysSent;

        for (var i = 0; i < Keys; i++)
            a.Put($"k{i}", i, cluster.NowMs);
        a.Flush(cluster.NowMs);

        // No anti-entropy round falls in this window (the interval is an hour): c hears of a's writes only through b.
        Assert.True(cluster.RunUntil(cluster.NowMs + 2_000, () => c.Count == Keys), "b did not forward a's writes to c, which a does not reach");
        Assert.True(b.Stats.KeysSent - forwardedBefore >= Keys, $"b sent {b.Stats.KeysSent - forwardedBefore} keys, fewer than it forwarded");
    }
}
