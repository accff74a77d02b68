namespace Horde.Net.Cluster.Tests.Nodes;

/// <summary>
/// Each way a real peer goes away gives its own <see cref="NodeDownReason"/> (a graceful stop's goodbye is in
/// FailureDetectionTests and NodeLifecycleTests).
/// </summary>
public sealed class NodeDownReasonTests
{
    [Fact]
    public async Task A_peer_that_falls_silent_is_a_heartbeat_timeout()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var watch = await Probe.WatchNodesAsync(cluster[1]);
        cluster[0].Faults!.Block(cluster[1].Name); // only node 0's frames are lost: node 1 hears silence, nothing breaks
        var down = await watch.ExpectAsync<NodeDown>(cluster[1].Options.FailureThreshold * 5);
        Assert.Equal(NodeDownReason.HeartbeatTimeout, down.Reason);
    }

    [Fact]
    public async Task A_killed_node_process_is_a_lost_connection()
    {
        await using var observer = await TestCluster.StartNodeAsync("observer");
        await using var victim = await NodeProcess.StartAsync("victim");
        await TestCluster.ConnectAsync(observer, victim.Name);
        var watch = await Probe.WatchNodesAsync(observer);
        victim.Kill();
        var down = await watch.ExpectAsync<NodeDown>(TimeSpan.FromSeconds(10));
        // The kernel closes a killed process's sockets, so the stream breaks before the failure detector could fire.
        Assert.Equal(NodeDownReason.ConnectionLost, down.Reason);
    }

    [Fact]
    public async Task A_disconnect_on_purpose_is_disconnected_on_both_ends()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var watch0 = await Probe.WatchNodesAsync(cluster[0]);
        var watch1 = await Probe.WatchNodesAsync(cluster[1]);
        await cluster[0].DisconnectAsync(cluster[1].Name);
        Assert.Equal(NodeDownReason.Disconnected, (await watch0.ExpectAsync<NodeDown>()).Reason);
        Assert.Equal(NodeDownReason.Disconnected, (await watch1.ExpectAsync<NodeDown>()).Reason);
        Assert.Equal(NodeState.Running, cluster[1].State);
    }

    [Fact]
    public async Task A_newer_incarnation_connecting_replaces_the_old_one()
    {
        await using var stays = await TestCluster.StartNodeAsync("stays");
        await using var first = await TestCluster.StartNodeAsync("restarts");
        await TestCluster.ConnectAsync(stays, first.Name);
        var watch = await Probe.WatchNodesAsync(stays);

        // The same name, a later run; it listens elsewhere because the first run still holds the port.
        await using var second = await TestCluster.StartNodeAsync("restarts", o =>
        {
            o.Name = first.Name;
            o.ListenPort = TestCluster.FreePort();
        });
        await TestCluster.ConnectAsync(second, stays.Name);

        // The new run is up at once; the old run's stream is torn down meanwhile, so the two may come in either order.
        object[] seen = [await watch.ExpectAsync<object>(), await watch.ExpectAsync<object>()];
        var down = Assert.Single(seen.OfType<NodeDown>());
        Assert.Equal((first.Incarnation, NodeDownReason.Replaced), (down.Incarnation, down.Reason));
        Assert.Equal(second.Incarnation, Assert.Single(seen.OfType<NodeUp>()).Incarnation);
    }

    [Fact]
    public async Task Node_events_go_only_to_processes_of_the_node_and_an_exited_watcher_is_forgotten()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var remote = await Probe.StartAsync(cluster[1]);
        var error = Assert.Throws<ArgumentException>(() => cluster[0].MonitorNodes(cluster[0].Resolve(remote.Self)));
        Assert.Contains("subscribes to node events on its own node", error.Message, StringComparison.Ordinal);

        var watcher = await Probe.WatchNodesAsync(cluster[0]);
        var kept = await Probe.WatchNodesAsync(cluster[0]);
        Assert.Equal(2, cluster[0].NodeWatcherCount);
        await cluster[0].StopProcessAsync(watcher.Self);
        Assert.Equal(1, cluster[0].NodeWatcherCount);
        cluster[0].MonitorNodes(watcher.Self); // already exited: not kept either
        Assert.Equal(1, cluster[0].NodeWatcherCount);

        await cluster[0].DisconnectAsync(cluster[1].Name);
        Assert.Equal(NodeDownReason.Disconnected, (await kept.ExpectAsync<NodeDown>()).Reason);
    }

    [Fact]
    public async Task Node_events_a_process_forwards_to_another_node_arrive_whole()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var remote = await Probe.StartAsync(cluster[1]);
        var to = cluster[0].Resolve(remote.Self);
        object[] events =
        [
            new NodeUp(cluster[0].Name, 7),
            new NodeLeaving(cluster[0].Name, 7),
            new NodeDown(cluster[0].Name, 7, NodeDownReason.HeartbeatTimeout, "silent for 5000 ms"),
        ];
        foreach (var e in events)
            to.Send(e);
        foreach (var e in events)
            Assert.Equal(e, await remote.ExpectAsync<object>());
    }
}
