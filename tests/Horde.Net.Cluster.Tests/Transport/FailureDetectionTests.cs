
namespace Horde.Net.Cluster.Tests.Transport;

public sealed class FailureDetectionTests
{
    [Fact]
    public async Task A_killed_node_process_fires_down_to_remote_monitors_within_the_threshold()
    {
        await using var observer = await TestCluster.StartNodeAsync("observer");
        await using var victim = await NodeProcess.StartAsync("victim");
        await TestCluster.ConnectAsync(observer, victim.Name);
        var echo = await observer.WhereIsAsync(victim.Name, "echo");
        Assert.NotNull(echo);
        Assert.Equal("ping", await echo.CallAsync<string>("ping"));

        var probe = await Probe.StartAsync(observer);
        observer.MonitorNodes(probe.Self);
        probe.Watch(echo);
        await echo.CallAsync<string>("monitor is in place");
        victim.Kill();

        // The kernel closes a killed process's sockets, so this is usually immediate; the failure detector bounds it
        // at the threshold. The margin is for a loaded test machine, not for the detector.
        var within = observer.Options.FailureThreshold + TimeSpan.FromSeconds(2);
        var first = await probe.ExpectAsync<object>(within);
        var second = await probe.ExpectAsync<object>(within);
        Assert.Contains(new[] { first, second }, m => m is Down { Reason.Kind: "noconnection" } down && down.Pid == echo);
        Assert.Contains(new[] { first, second }, m => m is NodeDown down && down.Node == victim.Name);
        await Assert.ThrowsAsync<ProcessExitedException>(async () => await echo.CallAsync<string>("anyone?"));
    }

    [Fact]
    public async Task A_partitioned_peer_is_declared_down_by_the_failure_detector_and_comes_back_after_healing()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var probe = await Probe.StartAsync(cluster[0]);
        cluster[0].MonitorNodes(probe.Self);
        var other = await Probe.StartAsync(cluster[1]);
        cluster[1].MonitorNodes(other.Self);

        TestCluster.Partition(cluster[0], cluster[1]);
        var within = cluster[0].Options.FailureThreshold * 3;
        var downs = new[] { await probe.ExpectAsync<NodeDown>(within), await other.ExpectAsync<NodeDown>(within) };
        // Whichever detector fires first closes the stream, so the other side may see the close instead of the silence;
        // neither may look like a graceful leave.
        Assert.True(downs.Any(d => d.Reason == NodeDownReason.HeartbeatTimeout) || downs.All(d => d.Reason == NodeDownReason.ConnectionLost),
            $"reasons: {string.Join(" | ", downs.Select(d => $"{d.Reason} ({d.Detail})"))}");

        TestCluster.Heal(cluster[0], cluster[1]);
        await TestCluster.ConnectAsync(cluster[0], cluster[1].Name);
        Assert.Equal(cluster[1].Name, (await probe.ExpectAsync<NodeUp>()).Node);
    }

    [Fact]
    public async Task A_partition_between_sets_cuts_only_the_links_that_cross_it()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        TestCluster.Partition([cluster[0]], [cluster[1], cluster[2]]);
        await Eventually.TrueAsync(() => cluster[0].ConnectedNodes.Count == 0, "node 0 loses both peers", TimeSpan.FromSeconds(10));
        Assert.Equal([cluster[2].Name], cluster[1].ConnectedNodes);
        var pid = await cluster[2].StartAsync(() => new Counter(start: 3));
        Assert.Equal(3, await cluster[1].Resolve(pid).CallAsync<int>(new Get()));
        cluster.Heal();
        await cluster.ConnectAllAsync();
        Assert.Equal(3, await cluster[0].Resolve(pid).CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task A_gracefully_stopping_node_is_down_at_once_not_after_the_threshold()
    {
        Action<NodeOptions> slowDetector = o => o.FailureThreshold = TimeSpan.FromSeconds(30);
        await using var stays = await TestCluster.StartNodeAsync("stays", slowDetector);
        var leaves = await TestCluster.StartNodeAsync("leaves", slowDetector);
        await TestCluster.ConnectAsync(stays, leaves.Name);
        var probe = await Probe.StartAsync(stays);
        stays.MonitorNodes(probe.Self);

        await leaves.DisposeAsync();
        Assert.Equal(leaves.Name, (await probe.ExpectAsync<NodeLeaving>(TimeSpan.FromSeconds(3))).Node);
        var down = await probe.ExpectAsync<NodeDown>(TimeSpan.FromSeconds(3));
        Assert.Equal((leaves.Incarnation, NodeDownReason.Goodbye), (down.Incarnation, down.Reason));
    }

    [Fact]
    public async Task Two_nodes_dialing_each_other_at_once_keep_exactly_one_connection()
    {
        for (var round = 0; round < 5; round++)
        {
            await using var cluster = await TestCluster.StartAsync(2, connect: false);
            var both = await Task.WhenAll(cluster[0].ConnectAsync(cluster[1].Name), cluster[1].ConnectAsync(cluster[0].Name));
            Assert.All(both, Assert.True);
            Assert.Equal([cluster[1].Name], cluster[0].ConnectedNodes);
            Assert.Equal([cluster[0].Name], cluster[1].ConnectedNodes);
            var pid = await cluster[1].StartAsync(() => new Counter(start: round));
            Assert.Equal(round, await cluster[0].Resolve(pid).CallAsync<int>(new Get()));
        }
    }

    [Fact]
    public async Task A_restarted_node_is_a_new_incarnation_and_its_old_pids_name_no_process()
    {
        await using var stays = await TestCluster.StartNodeAsync("stays");
        var options = TestCluster.Options("restarts");
        var first = new Node(options, TestLogging.Factory);
        await first.ListenAsync();
        var oldPid = await first.StartAsync(() => new Counter());
        await TestCluster.ConnectAsync(stays, first.Name);
        var old = stays.Resolve(oldPid);
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => !stays.ConnectedNodes.Contains(first.Name), "the first run is seen leaving");

        var again = TestCluster.Options("restarts");
        again.Name = options.Name;
        await using var second = new Node(again, TestLogging.Factory);
        await second.ListenAsync();
        await second.StartAsync(() => new Counter()); // same serial as the old pid
        await TestCluster.ConnectAsync(stays, second.Name);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await old.CallAsync<int>(new Get()));
        Assert.Equal(ExitReason.NoProc, error.Reason);
    }
}
