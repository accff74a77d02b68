
namespace Horde.Net.Cluster.Tests.Transport;

public sealed class RemoteMessagingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(3);

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Three_nodes_connect_pairwise_and_see_each_other()
    {
        foreach (var node in _cluster.Nodes)
            Assert.Equal(2, node.ConnectedNodes.Count);
    }

    [Fact]
    public async Task A_remote_call_returns_the_reply_and_remote_casts_arrive_in_send_order()
    {
        var pid = await _cluster[1].StartAsync(() => new Counter(), new StartOptions { Name = "counter" });
        var remote = await _cluster[0].WhereIsAsync(_cluster[1].Name, "counter");
        Assert.Equal(pid, remote);
        for (var i = 1; i <= 1000; i++)
            remote!.Cast(new Add(i));
        Assert.Equal(500_500, await remote!.CallAsync<int>(new Get()));
        Assert.Equal("hi", await remote.CallAsync<object>(new Echo("hi")));
    }

    [Fact]
    public async Task Messages_from_one_remote_sender_arrive_in_order()
    {
        var probe = await Probe.StartAsync(_cluster[2]);
        var remote = _cluster[0].Resolve(probe.Self);
        for (var i = 0; i < 2000; i++)
            remote.Send(i);
        for (var i = 0; i < 2000; i++)
            Assert.Equal(i, await probe.ExpectAsync<int>());
    }

    [Fact]
    public async Task Remote_call_errors_reach_the_caller()
    {
        var pid = _cluster[0].Resolve(await _cluster[1].StartAsync(() => new Counter()));
        var unhandled = await Assert.ThrowsAsync<UnhandledMessageException>(async () => await pid.CallAsync<int>("what"));
        Assert.Equal("System.String", unhandled.MessageTypeName);
        var crashed = await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<int>(new Crash("remote boom")));
        Assert.Equal("error", crashed.Reason.Kind);
        Assert.Contains("remote boom", crashed.Reason.Detail);
        var noproc = await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<int>(new Get()));
        Assert.Equal(ExitReason.NoProc, noproc.Reason);
    }

    [Fact]
    public async Task An_unregistered_type_cannot_be_sent_to_another_node()
    {
        var pid = _cluster[0].Resolve(await _cluster[1].StartAsync(() => new Counter()));
        pid.Cast(new Unregistered()); // dropped and counted, never thrown at the sender
        Assert.Equal(1, _cluster[0].Drops.UnregisteredType);
        await Assert.ThrowsAsync<UnregisteredMessageTypeException>(async () => await pid.CallAsync<int>(new Unregistered()));
    }

    [Fact]
    public async Task A_remote_monitor_fires_when_the_process_exits()
    {
        var target = await _cluster[1].StartAsync(() => new Counter());
        var probe = await Probe.StartAsync(_cluster[0]);
        var monitor = probe.Watch(_cluster[0].Resolve(target));
        await _cluster[0].Resolve(target).CallAsync<int>(new Get()); // the monitor went out before this call
        await _cluster[1].StopProcessAsync(target, ExitReason.Custom("finished"));
        var down = await probe.ExpectAsync<Down>();
        Assert.Equal(monitor, down.Ref);
        Assert.Equal(target, down.Pid);
        Assert.Equal("finished", down.Reason.Kind);
    }

    [Fact]
    public async Task A_remote_monitor_on_a_dead_process_fires_noproc_and_a_demonitor_silences_it()
    {
        var dead = await _cluster[1].StartAsync(() => new Counter());
        await _cluster[1].StopProcessAsync(dead);
        var probe = await Probe.StartAsync(_cluster[0]);
        probe.Watch(_cluster[0].Resolve(dead));
        Assert.Equal(ExitReason.NoProc, (await probe.ExpectAsync<Down>()).Reason);

        var alive = _cluster[0].Resolve(await _cluster[1].StartAsync(() => new Counter()));
        probe.Unwatch(probe.Watch(alive));
        await alive.CallAsync<int>(new Get()); // the demonitor went out before this call on the same connection
        await _cluster[1].StopProcessAsync(alive);
        await probe.ExpectNothingAsync();
    }

    [Fact]
    public async Task A_crash_propagates_across_a_link_to_another_node()
    {
        var crasher = await _cluster[1].StartAsync(() => new Counter());
        var trapper = await Probe.StartAsync(_cluster[0], trapExits: true);
        trapper.LinkTo(_cluster[0].Resolve(crasher));
        await _cluster[0].Resolve(crasher).CallAsync<int>(new Get()); // the link went out before this call
        crasher.Cast(new Crash("linked"));
        var exit = await trapper.ExpectAsync<Exit>();
        Assert.Equal(crasher, exit.From);
        Assert.Contains("linked", exit.Reason.Detail);
    }

    [Fact]
    public async Task A_remote_link_kills_a_non_trapping_partner_both_ways()
    {
        var remote = await _cluster[1].StartAsync(() => new Counter());
        var watcher = await Probe.StartAsync(_cluster[1]);
        watcher.Watch(remote);
        var local = await _cluster[0].StartAsync(() => new Counter());
        _cluster[0].Link(local, _cluster[0].Resolve(remote));
        await _cluster[0].Resolve(remote).CallAsync<int>(new Get());
        local.Cast(new Crash("from node 0"));
        var down = await watcher.ExpectAsync<Down>();
        Assert.Contains("from node 0", down.Reason.Detail);
    }

    [Fact]
    public async Task Disconnecting_fires_noconnection_to_monitors_links_and_waiting_callers()
    {
        var target = await _cluster[1].StartAsync(() => new Counter());
        var held = new TaskCompletionSource();
        var stuck = await _cluster[1].StartAsync(() => new Counter());
        var probe = await Probe.StartAsync(_cluster[0], trapExits: true);
        var remote = _cluster[0].Resolve(target);
        probe.Watch(remote);
        probe.LinkTo(remote);
        await remote.CallAsync<int>(new Get());
        var waiting = _cluster[0].Resolve(stuck).CallAsync<int>(new Echo("never answered"), TimeSpan.FromSeconds(30));
        stuck.Cast(new Crash("x")); // makes no difference to the caller on node 0 beyond what the disconnect does

        await _cluster[0].DisconnectAsync(_cluster[1].Name);
        var signals = new List<object> { await probe.ExpectAsync<object>(), await probe.ExpectAsync<object>() };
        Assert.Contains(signals, s => s is Down { Reason.Kind: "noconnection" });
        Assert.Contains(signals, s => s is Exit { Reason.Kind: "noconnection" });
        await Assert.ThrowsAsync<ProcessExitedException>(async () => await waiting);
    }

    [Fact]
    public async Task Processes_that_monitor_nodes_hear_of_nodes_going_and_coming()
    {
        var probe = await Probe.StartAsync(_cluster[0]);
        _cluster[0].MonitorNodes(probe.Self);
        await _cluster[0].DisconnectAsync(_cluster[2].Name);
        var down = await probe.ExpectAsync<NodeDown>();
        Assert.Equal(_cluster[2].Name, down.Node);
        await TestCluster.ConnectAsync(_cluster[0], _cluster[2].Name);
        Assert.Equal(_cluster[2].Name, (await probe.ExpectAsync<NodeUp>()).Node);
    }

    private sealed record Unregistered;
}
