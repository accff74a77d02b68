using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

public sealed class RedistributionTests
{
    [Fact]
    public async Task With_active_redistribution_a_joining_node_takes_exactly_the_children_whose_ring_owner_changed_with_their_state()
    {
        const int Children = 120;
        await using var cluster = await SupervisorCluster.StartAsync(2, o => o.Redistribution = Redistribution.Active);
        var ids = Enumerable.Range(0, Children).Select(i => $"active-{i}").ToArray();
        var started = await cluster[0].StartChildrenAsync([.. ids.Select(SupervisorCluster.Spec)]);
        for (var i = 0; i < Children; i++)
            Assert.Equal(i + 1, await cluster[0].Child<Counter>(ids[i]).CallAsync<int>(new Add(i + 1)));

        await using var joining = await TestCluster.StartNodeAsync("n2", o => o.MessageTypes.AddSupervisor());
        var newcomer = await HordeSupervisor.StartAsync(joining, SupervisorCluster.Name, SupervisorCluster.Options(o => o.Redistribution = Redistribution.Active));
        await TestCluster.ConnectAsync(joining, cluster.Nodes[0].Name);
        await TestCluster.ConnectAsync(joining, cluster.Nodes[1].Name);
        var all = cluster.Supervisors.Append(newcomer).ToList();
        var ring = new HashRing(all.Select(s => s.Node.Name));
        var moving = ids.Where(id => ring.Owner(id) == joining.Name).ToHashSet();
        Assert.NotEmpty(moving);
        await Eventually.TrueAsync(() => newcomer.LocalChildren().Count == moving.Count && all.All(s => s.CountChildren() == (Children, Children)),
            () => $"the newcomer runs the {moving.Count} children it owns now (it runs {newcomer.LocalChildren().Count})", TimeSpan.FromSeconds(15));

        Assert.Equal(moving.Order(), newcomer.LocalChildren().Order());
        Assert.Empty(SupervisorCluster.Duplicates(all));
        for (var i = 0; i < Children; i++)
        {
            var pid = newcomer.WhereIs(ids[i])!;
            Assert.Equal(ring.Owner(ids[i]), pid.Node);
            if (!moving.Contains(ids[i]))
                Assert.Equal(started[i].Pid, pid); // a child whose owner did not change did not move
            Assert.Equal(i + 1, await newcomer.Child<Counter>(ids[i]).CallAsync<int>(new Get()));
        }
    }
}
