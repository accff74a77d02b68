namespace Horde.Net.Supervisor.Tests;

/// <summary>A plain start of a child that is between its two instances of a move must not run it a second time, empty.</summary>
public sealed class StartDuringMoveTests
{
    [Fact]
    public async Task A_start_while_the_child_moves_answers_with_the_successor_that_has_its_state()
    {
        await using var cluster = await SupervisorCluster.StartAsync(3);
        var (leaving, successor) = (cluster.Nodes[2], cluster.Nodes[1]);
        var all = cluster[0].LiveMembers();
        var strategy = cluster[0].Options.Strategy;
        var id = Enumerable.Range(0, 1000).Select(i => $"mover-{i}")
            .First(i => strategy.ChooseNode(i, all) == leaving.Name && strategy.ChooseSuccessor(i, [cluster.Nodes[0].Name, successor.Name]) == successor.Name);
        (await cluster[0].StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
        Assert.Equal(42, await cluster[0].Child<Counter>(id).CallAsync<int>(new Add(42)));

        // Everything the leaving node sends is late, so the successor sees the name given up well before the start
        // that carries the state: the window in which a plain start used to run a second, empty instance.
        leaving.Faults!.Delay = TimeSpan.FromMilliseconds(400);
        var stopping = leaving.StopAsync(TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => cluster[1].WhereIs(id) is null, "the successor saw the name given up");
        var racing = await cluster[0].StartChildAsync(SupervisorCluster.Spec(id), TimeSpan.FromSeconds(10));
        await stopping;

        Assert.Equal(StartChildStatus.AlreadyStarted, racing.Status);
        Assert.Equal(successor.Name, racing.Pid!.Node);
        Assert.Equal(42, await cluster[0].Child<Counter>(id).CallAsync<int>(new Get())); // the handed-off state, not a fresh 0
        Assert.Empty(SupervisorCluster.Duplicates(cluster.Supervisors.Take(2)));
    }
}
