
namespace Horde.Net.Cluster.Tests.Processes;

public sealed class LinkAndMonitorTests : IAsyncLifetime
{
    private readonly Node _node = new();

    public ValueTask InitializeAsync() => default;

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_monitor_fires_once_with_the_exit_reason()
    {
        var pid = await _node.StartAsync(() => new Counter());
        var probe = await Probe.StartAsync(_node);
        var monitor = probe.Watch(pid);
        await _node.StopProcessAsync(pid, ExitReason.Custom("done", "by test"));
        var down = await probe.ExpectAsync<Down>();
        Assert.Equal(monitor, down.Ref);
        Assert.Equal(ExitReason.Custom("done", "by test"), down.Reason);
        await probe.ExpectNothingAsync();
    }

    [Fact]
    public async Task Monitoring_a_dead_process_fires_at_once_with_noproc()
    {
        var pid = await _node.StartAsync(() => new Counter());
        await _node.StopProcessAsync(pid);
        var probe = await Probe.StartAsync(_node);
        probe.Watch(pid);
        Assert.Equal(ExitReason.NoProc, (await probe.ExpectAsync<Down>()).Reason);
    }

    [Fact]
    public async Task A_removed_monitor_does_not_fire()
    {
        var pid = await _node.StartAsync(() => new Counter());
        var probe = await Probe.StartAsync(_node);
        probe.Unwatch(probe.Watch(pid));
        await _node.StopProcessAsync(pid);
        await probe.ExpectNothingAsync();
    }

    [Fact]
    public async Task A_crash_kills_a_linked_process_that_does_not_trap_exits_with_the_same_reason()
    {
        ExitReason? partnerTerminated = null;
        var crasher = await _node.StartAsync(() => new Counter());
        var partner = await _node.StartAsync(() => new Counter(terminated: r => partnerTerminated = r));
        var observer = await Probe.StartAsync(_node);
        observer.Watch(partner);
        var linker = await Probe.StartAsync(_node);
        linker.LinkTo(crasher);
        linker.UnlinkFrom(crasher);
        // Link partner and crasher from the partner's side of the API.
        _node.Link(partner, crasher);

        crasher.Cast(new Crash("chain"));
        var down = await observer.ExpectAsync<Down>();
        Assert.Equal(partner, down.Pid);
        Assert.Contains("chain", down.Reason.Detail);
        Assert.Null(partnerTerminated); // killed by an exit signal: no terminate, as in OTP
        await linker.ExpectNothingAsync(TimeSpan.FromMilliseconds(50)); // unlinked before the crash
    }

    [Fact]
    public async Task A_process_that_traps_exits_gets_the_exit_as_a_message_and_lives()
    {
        var crasher = await _node.StartAsync(() => new Counter());
        var trapper = await Probe.StartAsync(_node, trapExits: true);
        trapper.LinkTo(crasher);
        crasher.Cast(new Crash("trapped"));
        var exit = await trapper.ExpectAsync<Exit>();
        Assert.Equal(crasher, exit.From);
        Assert.Contains("trapped", exit.Reason.Detail);
        trapper.Self.Send("still alive");
        Assert.Equal("still alive", await trapper.ExpectAsync<string>());
    }

    [Fact]
    public async Task A_normal_exit_does_not_kill_linked_processes()
    {
        var finisher = await _node.StartAsync(() => new Counter());
        var partner = await _node.StartAsync(() => new Counter(start: 5));
        _node.Link(partner, finisher);
        await _node.StopProcessAsync(finisher);
        Assert.Equal(5, await partner.CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task Kill_ends_even_a_trapping_process_without_terminate_and_links_see_killed()
    {
        var terminated = false;
        var victim = await _node.StartAsync(() => new Counter(trapExits: true, terminated: _ => terminated = true));
        var trapper = await Probe.StartAsync(_node, trapExits: true);
        trapper.LinkTo(victim);
        victim.Exit(ExitReason.Kill);
        var exit = await trapper.ExpectAsync<Exit>();
        Assert.Equal(ExitReason.Killed, exit.Reason);
        Assert.False(terminated);
    }

    [Fact]
    public async Task An_exit_signal_from_the_parent_runs_terminate_in_a_trapping_child()
    {
        var terminated = new TaskCompletionSource<ExitReason>();
        var parent = await Probe.StartAsync(_node, trapExits: true);
        var child = await _node.StartAsync(
            () => new Counter(trapExits: true, terminated: r => terminated.TrySetResult(r)),
            new StartOptions { Parent = parent.Self });
        child.Exit(ExitReason.Shutdown); // sent from outside: trapped, arrives as a message, child lives
        Assert.Equal(0, await child.CallAsync<int>(new Get()));
        // From the parent, the same signal stops the child through terminate.
        _node.SendExitSignal(child, parent.Self, ExitReason.Shutdown, linked: true);
        Assert.Equal(ExitReason.Shutdown, await terminated.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Linking_to_a_dead_process_sends_noproc()
    {
        var dead = await _node.StartAsync(() => new Counter());
        await _node.StopProcessAsync(dead);
        var trapper = await Probe.StartAsync(_node, trapExits: true);
        trapper.LinkTo(dead);
        Assert.Equal(ExitReason.NoProc, (await trapper.ExpectAsync<Exit>()).Reason);
    }

    [Fact]
    public async Task A_crashing_init_of_a_started_child_is_reported_to_its_trapping_parent()
    {
        var parent = await Probe.StartAsync(_node, trapExits: true);
        await Assert.ThrowsAsync<ProcessStartException>(() =>
            _node.StartAsync(() => new Counter(failInit: _ => true), new StartOptions { Parent = parent.Self }));
        var exit = await parent.ExpectAsync<Exit>();
        Assert.Contains("init refused", exit.Reason.Detail);
    }
}
