using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

public sealed class NodeLossTests
{
    private static readonly TimeSpan Checkpoints = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Children_of_a_node_cut_off_restart_on_the_ring_successor_from_their_checkpoint()
    {
        await using var cluster = await SupervisorCluster.StartAsync();
        var ids = Enumerable.Range(0, 60).Select(i => $"cp-{i}").ToArray();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
            await cluster[0].Child<Counter>(id, s => s with { CheckpointInterval = Checkpoints }).CallAsync<int>(new Add(i + 100));
        var cut = cluster.Nodes[2];
        var lost = cluster[2].LocalChildren();
        Assert.NotEmpty(lost);
        // Checkpoints of the cut-off node's children have reached the others.
        await Eventually.TrueAsync(() => lost.All(id => cluster[0].CheckpointVersion(id) is not null), "every child's checkpoint is replicated");

        TestCluster.Partition([cluster.Nodes[0], cluster.Nodes[1]], [cut]);
        var majority = cluster.Supervisors.Take(2).ToList();
        await Eventually.TrueAsync(() => lost.All(id => majority[0].WhereIs(id) is { } pid && pid.Node != cut.Name),
            () => $"the cut-off node's children run again on the other nodes (now {lost.Count(id => majority[0].WhereIs(id) is { } pid && pid.Node != cut.Name)} of {lost.Count}; "
            + $"members {string.Join(",", majority[0].Members)}; {string.Join(" | ", TestLogging.Factory.Lines.Where(l => l.Contains("Supervisor")).TakeLast(5))})", TimeSpan.FromSeconds(15));
        var ring = new HashRing(majority.Select(s => s.Node.Name));
        foreach (var id in lost)
        {
            Assert.Equal(ring.Owner(id), majority[0].WhereIs(id)!.Node);
            var index = Array.IndexOf(ids, id);
            Assert.Equal(index + 100, await majority[1].Child<Counter>(id).CallAsync<int>(new Get()));
        }
    }

    [Fact]
    public async Task A_quorum_minority_stops_its_children_and_refuses_starts_while_the_majority_restarts_them()
    {
        await using var cluster = await SupervisorCluster.StartAsync(3, o => o.Strategy = new UniformQuorumDistribution());
        var ids = Enumerable.Range(0, 30).Select(i => $"q-{i}").ToArray();
        foreach (var id in ids)
            (await cluster[0].StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
        var minority = cluster[2];
        var lost = minority.LocalChildren();
        Assert.NotEmpty(lost);

        TestCluster.Partition([cluster.Nodes[0], cluster.Nodes[1]], [minority.Node]);
        await Eventually.TrueAsync(() => !minority.HasQuorum && minority.LocalChildren().Count == 0,
            "the minority node stops its children", TimeSpan.FromSeconds(15));
        var refused = await minority.StartChildAsync(SupervisorCluster.Spec("q-new"));
        Assert.Equal(StartChildStatus.Failed, refused.Status);
        Assert.Contains("quorum", refused.Error);
        Assert.True(TestLogging.Factory.Has(5010, $"on {minority.Node.Name}: quorum lost"), "event 5010 (quorum lost) was logged");
        await Eventually.TrueAsync(() => lost.All(id => cluster[0].WhereIs(id) is { } pid && pid.Node != minority.Node.Name),
            "the majority runs the minority's children", TimeSpan.FromSeconds(15));
        Assert.Equal(ids.Length, cluster[0].LocalChildren().Count + cluster[1].LocalChildren().Count);
    }

    [Fact]
    public async Task After_a_partition_heals_each_id_runs_once()
    {
        await using var cluster = await SupervisorCluster.StartAsync();
        var ids = Enumerable.Range(0, 30).Select(i => $"heal-{i}").ToArray();
        foreach (var id in ids)
            (await cluster[0].StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
        TestCluster.Partition([cluster.Nodes[0], cluster.Nodes[1]], [cluster.Nodes[2]]);
        await Eventually.TrueAsync(() => cluster[2].LocalChildren().Count == ids.Length
                && cluster[0].LocalChildren().Count + cluster[1].LocalChildren().Count == ids.Length,
            "both sides run every child", TimeSpan.FromSeconds(15));

        cluster.Nodes.Heal();
        await cluster.Nodes.ConnectAllAsync();
        await Eventually.TrueAsync(() => SupervisorCluster.Duplicates(cluster.Supervisors).Count == 0
                && cluster.Supervisors.Sum(s => s.LocalChildren().Count) == ids.Length
                && cluster.Supervisors.All(s => ids.All(id => s.WhereIs(id) is not null)),
            () => $"after the heal each id runs exactly once and every node finds it (duplicates {SupervisorCluster.Duplicates(cluster.Supervisors).Count}, "
            + $"local {string.Join("/", cluster.Supervisors.Select(s => s.LocalChildren().Count))}, found {string.Join("/", cluster.Supervisors.Select(s => ids.Count(id => s.WhereIs(id) is not null)))}, "
            + $"holders of {ids[0]}: {string.Join(" ", cluster.Supervisors.Select(s => s.WhereIs(ids[0])))}; registry sizes {string.Join("/", cluster.Supervisors.Select(s => s.Registry.Count))}; "
            + $"connected {string.Join("/", cluster.Nodes.Nodes.Select(n => n.ConnectedNodes.Count))})", TimeSpan.FromSeconds(15));
        var holders = ids.Select(id => cluster[0].WhereIs(id)).ToList();
        Assert.All(cluster.Supervisors, s => Assert.Equal(holders, ids.Select(id => s.WhereIs(id))));
    }
}
