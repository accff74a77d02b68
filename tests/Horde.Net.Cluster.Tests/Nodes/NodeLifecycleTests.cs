namespace Horde.Net.Cluster.Tests.Nodes;

/// <summary>The phased graceful stop between real nodes over gRPC: leaving, draining, goodbye.</summary>
public sealed class NodeLifecycleTests
{
    [Fact]
    public async Task Peers_see_leaving_then_goodbye_and_keep_the_connection_while_a_drain_hook_calls_a_peer()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (a, b, c) = (cluster[0], cluster[1], cluster[2]);
        var counter = await b.StartAsync(() => new Counter(start: 40));
        var watchB = await Probe.WatchNodesAsync(b);
        var watchC = await Probe.WatchNodesAsync(c);
        var leavingEvent = new TaskCompletionSource<NodeLeaving>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.NodeLeaving += (_, e) => leavingEvent.TrySetResult(e);
        var states = new List<NodeStateChanged>();
        a.StateChanged += (_, e) => states.Add(e);

        var hookMayGo = new TaskCompletionSource();
        var hookGot = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.OnDrain(async token =>
        {
            await hookMayGo.Task.WaitAsync(token);
            hookGot.SetResult(await a.Resolve(counter).CallAsync<int>(new Add(2), cancellationToken: token));
        });

        var stopping = a.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new NodeLeaving(a.Name, a.Incarnation), await watchB.ExpectAsync<NodeLeaving>());
        Assert.Equal(new NodeLeaving(a.Name, a.Incarnation), await watchC.ExpectAsync<NodeLeaving>());
        Assert.Equal(a.Name, (await leavingEvent.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken)).Node);
        Assert.Equal(NodeState.Leaving, a.State);
        Assert.True(b.IsLeaving(a.Name));
        Assert.Equal([a.Name], b.LeavingNodes);
        Assert.Contains(a.Name, b.ConnectedNodes);
        Assert.Empty(a.LeavingNodes); // the leaving node does not think its peers leave

        hookMayGo.SetResult();
        Assert.Equal(42, await hookGot.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        await stopping;
        Assert.Same(stopping, a.StopAsync(TestContext.Current.CancellationToken)); // a second stop is the same stop
        await a.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(NodeDownReason.Goodbye, (await watchB.ExpectAsync<NodeDown>()).Reason);
        Assert.Equal(NodeDownReason.Goodbye, (await watchC.ExpectAsync<NodeDown>()).Reason);
        Assert.False(b.IsLeaving(a.Name));
        Assert.Equal(
            [new NodeStateChanged(NodeState.Running, NodeState.Leaving), new NodeStateChanged(NodeState.Leaving, NodeState.Stopped)],
            states);
        Assert.Equal(NodeState.Stopped, a.State);
    }

    [Fact]
    public async Task A_drain_hook_past_the_deadline_is_abandoned_yet_processes_stop_and_peers_see_a_goodbye()
    {
        await using var stays = await TestCluster.StartNodeAsync("stays");
        var leaves = await TestCluster.StartNodeAsync("leaves", o => o.DrainTimeout = TimeSpan.FromMilliseconds(300));
        await TestCluster.ConnectAsync(stays, leaves.Name);
        var watch = await Probe.WatchNodesAsync(stays);
        var terminated = new TaskCompletionSource<ExitReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        await leaves.StartAsync(() => new Counter(trapExits: true, terminated: r => terminated.TrySetResult(r)));
        var laterHookRan = false;
        leaves.OnDrain(_ => Task.FromResult(laterHookRan = true)); // registered first, so it would run last
        leaves.OnDrain(_ => new TaskCompletionSource().Task); // ignores its token: never finishes

        await leaves.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(laterHookRan); // past the deadline the remaining hooks are skipped, not run late
        Assert.Equal(ExitReason.Shutdown, await terminated.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.IsType<NodeLeaving>(await watch.ExpectAsync<NodeLeaving>());
        Assert.Equal(NodeDownReason.Goodbye, (await watch.ExpectAsync<NodeDown>()).Reason);
        Assert.Equal(NodeState.Stopped, leaves.State);
        Assert.Equal(0, leaves.ProcessCount);
    }

    [Fact]
    public async Task A_node_that_stops_while_its_dial_is_half_done_lets_it_finish_and_the_peer_sees_a_goodbye()
    {
        var ct = TestContext.Current.CancellationToken;
        // Thresholds longer than the whole test: the listener hears nothing from the dialer while it holds the welcome.
        static void Patient(NodeOptions o) => o.FailureThreshold = TimeSpan.FromSeconds(20);
        await using var listener = await TestCluster.StartNodeAsync("listener", Patient);
        await using var dialer = await TestCluster.StartNodeAsync("dialer", Patient);
        dialer.Faults!.WelcomeDelay = TimeSpan.FromSeconds(3);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var down = new TaskCompletionSource<NodeDown>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.NodeConnected += (_, _) => up.TrySetResult();
        listener.NodeDisconnected += (_, e) => down.TrySetResult(e);
        using var membership = new CancellationTokenSource();

        var dial = dialer.ConnectAsync(listener.Name, membership.Token);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.DoesNotContain(listener.Name, dialer.ConnectedNodes); // the gap: the listener counts it up, the dialer not yet
        await membership.CancelAsync(); // as a host stopping its membership does
        await dialer.StopAsync(ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dial); // the caller stopped waiting; the dial went on
        var seen = await down.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.True(seen.Reason == NodeDownReason.Goodbye, $"the listener saw {seen}");
    }

    [Fact]
    public async Task A_node_that_connects_to_a_leaving_node_learns_at_once_that_it_is_leaving()
    {
        await using var leaves = await TestCluster.StartNodeAsync("leaves");
        await using var late = await TestCluster.StartNodeAsync("late");
        var hookMayGo = new TaskCompletionSource();
        leaves.OnDrain(token => hookMayGo.Task.WaitAsync(token));
        var stopping = leaves.StopAsync(TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => leaves.State == NodeState.Leaving, "the node is leaving");
        var watch = await Probe.WatchNodesAsync(late);

        Assert.True(await late.ConnectAsync(leaves.Name)); // a leaving node still admits peers
        Assert.Equal(leaves.Name, (await watch.ExpectAsync<NodeUp>()).Node);
        Assert.Equal(leaves.Name, (await watch.ExpectAsync<NodeLeaving>()).Node);
        Assert.True(late.IsLeaving(leaves.Name));

        hookMayGo.SetResult();
        await stopping;
        Assert.Equal(NodeDownReason.Goodbye, (await watch.ExpectAsync<NodeDown>()).Reason);
    }

    [Fact]
    public async Task Throwing_event_handlers_are_logged_and_break_neither_connecting_nor_later_events()
    {
        await using var observer = await TestCluster.StartNodeAsync("observer");
        var other = await TestCluster.StartNodeAsync("other");
        var seen = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        observer.NodeConnected += (_, _) => throw new InvalidOperationException("connected handler fails");
        observer.NodeLeaving += (_, _) => throw new InvalidOperationException("leaving handler fails");
        observer.NodeDisconnected += (_, _) => throw new InvalidOperationException("disconnected handler fails");
        other.StateChanged += (_, _) => throw new InvalidOperationException("state handler fails");
        observer.NodeConnected += (_, e) => seen.Add($"up {e.Node.Name}");
        observer.NodeLeaving += (_, e) => seen.Add($"leaving {e.Node.Name}");
        observer.NodeDisconnected += (_, e) =>
        {
            seen.Add($"down {e.Node.Name} {e.Reason}");
            done.TrySetResult();
        };

        await TestCluster.ConnectAsync(observer, other.Name);
        var counter = await other.StartAsync(() => new Counter(start: 1));
        Assert.Equal(1, await observer.Resolve(counter).CallAsync<int>(new Get()));
        await other.StopAsync(TestContext.Current.CancellationToken);

        await done.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(["up other", "leaving other", "down other Goodbye"], seen);
        Assert.Equal(NodeState.Stopped, other.State);
        foreach (var (eventName, node) in new[] { ("NodeConnected", observer), ("NodeLeaving", observer), ("NodeDisconnected", observer), ("StateChanged", other) })
            Assert.True(TestLogging.Factory.Contains($"A {eventName} handler of node {node.Name} threw"), $"the throwing {eventName} handler is logged");
    }
}
