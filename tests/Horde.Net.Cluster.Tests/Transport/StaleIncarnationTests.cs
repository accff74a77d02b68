namespace Horde.Net.Cluster.Tests.Transport;

/// <summary>A pid of an earlier run of a node that is connected now names no process: links, monitors and calls say noproc.</summary>
public sealed class StaleIncarnationTests
{
    [Fact]
    public async Task Links_monitors_and_calls_to_a_pid_of_an_earlier_run_of_a_connected_node_report_noproc()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var stale = cluster[0].Resolve(new Pid(cluster[1].Name, cluster[1].Incarnation - 1, 1));
        var probe = await Probe.StartAsync(cluster[0], trapExits: true);

        probe.LinkTo(stale);
        Assert.Equal(ExitReason.NoProc, (await probe.ExpectAsync<Exit>()).Reason);

        probe.Watch(stale);
        Assert.Equal(ExitReason.NoProc, (await probe.ExpectAsync<Down>()).Reason);

        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await stale.CallAsync<int>(new Get()));
        Assert.Equal(ExitReason.NoProc, error.Reason);
    }

    [Fact]
    public async Task A_link_to_a_pid_of_a_node_that_is_not_connected_reports_noconnection()
    {
        await using var node = await TestCluster.StartNodeAsync("alone");
        var elsewhere = node.Resolve(new Pid(NodeName.Create("away", "127.0.0.1", TestCluster.FreePort()), 1, 1));
        var probe = await Probe.StartAsync(node, trapExits: true);

        probe.LinkTo(elsewhere);
        Assert.Equal(ExitReason.NoConnection, (await probe.ExpectAsync<Exit>()).Reason);
    }
}
