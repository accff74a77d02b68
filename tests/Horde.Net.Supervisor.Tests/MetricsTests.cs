using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Children_starts_restarts_and_the_handoffs_of_a_drain_are_measured_per_supervisor_and_node()
    {
        const int Children = 20;
        using var metrics = new MetricsRecorder();
        await using var cluster = await SupervisorCluster.StartAsync(2);
        for (var i = 0; i < Children; i++)
            (await cluster[0].StartChildAsync(SupervisorCluster.Spec($"m-{i}"))).EnsureRunning();
        var on = cluster.Nodes.Nodes.Select(n => ("node", (object)n.Name.ToString())).ToArray();
        var supervisor = ("supervisor", (object)SupervisorCluster.Name);

        metrics.Collect();
        Assert.Equal(Children, on.Sum(node => metrics.Last("horde.supervisor.children", supervisor, node) ?? 0));
        Assert.Equal(Children, on.Sum(node => metrics.Sum("horde.supervisor.starts", supervisor, node)));

        // A crash restarts the child where it ran.
        var crashing = cluster[1].LocalChildren()[0];
        await cluster[1].Child<Counter>(crashing).CastAsync(new Crash("test"));
        await Eventually.TrueAsync(() => metrics.Sum("horde.supervisor.restarts", supervisor, on[1], ("cause", "crash")) == 1,
            "node 1 counts one restart after a crash");

        // A drain hands every child of node 1 off, each counted and timed, and the drain timed once.
        var leaving = cluster[1].LocalChildren().Count;
        Assert.True(leaving > 0, "node 1 runs some of the children");
        await cluster.Nodes[1].StopAsync();
        Assert.Equal(leaving, metrics.Sum("horde.supervisor.handoffs", supervisor, on[1], ("outcome", "moved")));
        Assert.Equal(leaving, metrics.Values("horde.supervisor.handoff.duration", supervisor, on[1]).Count);
        Assert.Single(metrics.Values("horde.supervisor.drain.duration", supervisor, on[1]));
        metrics.Collect();
        Assert.Equal(Children, metrics.Last("horde.supervisor.children", supervisor, on[0]));
    }
}
