using Horde.Net.Cluster.Supervision;

namespace Horde.Net.Cluster.Tests.Supervision;

// The test kit brings in Horde.Net.Supervisor, a namespace that would otherwise win over this type by its name.
using Supervisor = Horde.Net.Cluster.Supervision.Supervisor;

public sealed class SupervisorTests : IAsyncLifetime
{
    private readonly Node _node = new();
    private readonly List<string> _terminated = [];

    public ValueTask InitializeAsync() => default;

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private ChildSpec Spec(string id, Restart restart = Restart.Permanent) =>
        new(id, () => new Counter(trapExits: true, terminated: _ => { lock (_terminated) _terminated.Add(id); })) { Restart = restart };

    private async Task<Pid> StartSupervisorAsync(RestartStrategy strategy, params ChildSpec[] children) =>
        await _node.StartAsync(() => new Supervisor(children, new SupervisorOptions { Strategy = strategy, MaxRestarts = 10 }));

    private static async Task<Dictionary<string, Pid?>> ChildrenAsync(Pid supervisor) =>
        (await Supervisor.WhichChildrenAsync(supervisor)).ToDictionary(c => c.Id, c => c.Pid);

    /// <summary>Crashes a child and returns once its supervisor has handled the exit.</summary>
    private async Task CrashAsync(Pid supervisor, Pid child, string why = "boom")
    {
        var probe = await Probe.StartAsync(_node);
        probe.Watch(child);
        child.Cast(new Crash(why));
        await probe.ExpectAsync<Down>();
        await Supervisor.CountChildrenAsync(supervisor); // queued after the child's exit: the supervisor has reacted
    }

    [Fact]
    public async Task One_for_one_restarts_only_the_crashed_child()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.OneForOne, Spec("a"), Spec("b"), Spec("c"));
        var before = await ChildrenAsync(sup);
        await CrashAsync(sup, before["b"]!);
        var after = await ChildrenAsync(sup);
        Assert.Equal(before["a"], after["a"]);
        Assert.NotEqual(before["b"], after["b"]);
        Assert.NotNull(after["b"]);
        Assert.Equal(before["c"], after["c"]);
        Assert.Equal(0, await after["b"]!.CallAsync<int>(new Get())); // restarted from its initial state
    }

    [Fact]
    public async Task A_caller_whose_request_crashed_a_child_then_finds_it_restarted()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.OneForOne, Spec("a"));
        var before = (await ChildrenAsync(sup))["a"]!;
        await Assert.ThrowsAsync<ProcessExitedException>(async () => await before.CallAsync<int>(new Crash("in a call")));
        var after = (await ChildrenAsync(sup))["a"];
        Assert.NotNull(after);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task One_for_all_stops_the_others_in_reverse_order_and_restarts_all_in_order()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.OneForAll, Spec("a"), Spec("b"), Spec("c"));
        var before = await ChildrenAsync(sup);
        await CrashAsync(sup, before["b"]!);
        var after = await ChildrenAsync(sup);
        Assert.All(["a", "b", "c"], id => Assert.NotEqual(before[id], after[id]));
        Assert.Equal(["b", "c", "a"], _terminated); // the crashed child ran terminate first
        Assert.Equal(["a", "b", "c"], after.Keys);
    }

    [Fact]
    public async Task Rest_for_one_restarts_the_crashed_child_and_those_started_after_it()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.RestForOne, Spec("a"), Spec("b"), Spec("c"), Spec("d"));
        var before = await ChildrenAsync(sup);
        await CrashAsync(sup, before["b"]!);
        var after = await ChildrenAsync(sup);
        Assert.Equal(before["a"], after["a"]);
        Assert.All(["b", "c", "d"], id => Assert.NotEqual(before[id], after[id]));
        Assert.Equal(["b", "d", "c"], _terminated);
    }

    [Fact]
    public async Task Restart_types_decide_what_comes_back_after_normal_and_abnormal_exits()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.OneForOne,
            Spec("permanent"), Spec("transient", Restart.Transient), Spec("temporary", Restart.Temporary), Spec("crashy", Restart.Transient));
        var before = await ChildrenAsync(sup);
        foreach (var id in new[] { "permanent", "transient", "temporary" })
        {
            var probe = await Probe.StartAsync(_node);
            probe.Watch(before[id]!);
            await _node.StopProcessAsync(before[id]!); // a normal exit
            await probe.ExpectAsync<Down>();
        }
        await CrashAsync(sup, before["crashy"]!);
        var after = await ChildrenAsync(sup);
        Assert.NotNull(after["permanent"]);
        Assert.NotEqual(before["permanent"], after["permanent"]); // permanent: always restarted
        Assert.Null(after["transient"]);                          // transient: not after a normal exit
        Assert.False(after.ContainsKey("temporary"));             // temporary: forgotten
        Assert.NotNull(after["crashy"]);                          // transient: restarted after a crash
        Assert.NotEqual(before["crashy"], after["crashy"]);
    }

    [Fact]
    public async Task Exceeding_the_restart_intensity_stops_the_children_and_the_supervisor()
    {
        var sup = await _node.StartAsync(() => new Supervisor([Spec("a"), Spec("b")], new SupervisorOptions { MaxRestarts = 2, Period = TimeSpan.FromMinutes(1) }));
        var watcher = await Probe.StartAsync(_node);
        watcher.Watch(sup);
        for (var i = 0; i < 2; i++)
            await CrashAsync(sup, (await ChildrenAsync(sup))["a"]!);
        var children = await ChildrenAsync(sup);
        children["a"]!.Cast(new Crash("third"));
        var down = await watcher.ExpectAsync<Down>();
        Assert.Equal(ExitReason.Shutdown, down.Reason);
        Assert.Contains("b", _terminated); // the surviving child was shut down through terminate
        Assert.Equal(ExitReason.NoProc, await _node.StopProcessAsync(children["b"]!));
    }

    [Fact]
    public async Task Restarts_outside_the_period_do_not_count()
    {
        var clock = new ManualClock();
        var sup = await _node.StartAsync(() => new Supervisor([Spec("a")], new SupervisorOptions { MaxRestarts = 1, Period = TimeSpan.FromSeconds(5), TimeProvider = clock }));
        for (var i = 0; i < 5; i++)
        {
            await CrashAsync(sup, (await ChildrenAsync(sup))["a"]!);
            clock.Advance(TimeSpan.FromSeconds(6));
        }
        Assert.NotNull((await ChildrenAsync(sup))["a"]);
    }

    [Fact]
    public async Task Stopping_the_supervisor_stops_children_in_reverse_start_order()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.OneForOne, Spec("a"), Spec("b"), Spec("c"));
        await _node.StopProcessAsync(sup, ExitReason.Shutdown);
        Assert.Equal(["c", "b", "a"], _terminated);
        Assert.Equal(0, _node.ProcessCount);
    }

    [Fact]
    public async Task A_child_that_overruns_its_shutdown_timeout_is_killed()
    {
        var stuck = new TaskCompletionSource();
        var sup = await _node.StartAsync(() => new Supervisor(
        [
            new ChildSpec("stuck", () => new StuckInTerminate(stuck.Task)) { Shutdown = TimeSpan.FromMilliseconds(100) },
            new ChildSpec("brutal", () => new Counter(trapExits: true, terminated: _ => _terminated.Add("brutal"))) { Shutdown = TimeSpan.Zero },
        ]));
        var children = await ChildrenAsync(sup);
        var probe = await Probe.StartAsync(_node);
        probe.Watch(children["stuck"]!);
        await _node.StopProcessAsync(sup, ExitReason.Shutdown, TimeSpan.FromSeconds(10));
        Assert.Equal(ExitReason.Killed, (await probe.ExpectAsync<Down>()).Reason);
        Assert.DoesNotContain("brutal", _terminated); // brutal kill: no terminate
        stuck.SetResult();
    }

    [Fact]
    public async Task A_child_that_fails_to_start_fails_the_supervisor_and_stops_earlier_children()
    {
        var error = await Assert.ThrowsAsync<ProcessStartException>(() => _node.StartAsync(() => new Supervisor(
        [
            Spec("a"),
            new ChildSpec("bad", () => new Counter(failInit: _ => true)),
            Spec("c"),
        ])));
        Assert.Contains("'bad'", error.Message);
        Assert.Equal(["a"], _terminated);
        Assert.Equal(0, _node.ProcessCount);
    }

    [Fact]
    public async Task Children_can_be_terminated_restarted_added_and_deleted()
    {
        var sup = await StartSupervisorAsync(RestartStrategy.OneForOne, Spec("a"));
        await Supervisor.TerminateChildAsync(sup, "a");
        Assert.Null((await ChildrenAsync(sup))["a"]);
        var restarted = await Supervisor.RestartChildAsync(sup, "a");
        Assert.Equal(restarted, (await ChildrenAsync(sup))["a"]);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Supervisor.DeleteChildAsync(sup, "a"));
        var b = await Supervisor.StartChildAsync(sup, Spec("b"));
        Assert.Equal(new ChildCounts(2, 2, 0, 2), await Supervisor.CountChildrenAsync(sup));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Supervisor.StartChildAsync(sup, Spec("b")));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await Supervisor.TerminateChildAsync(sup, "nope"));
        await Supervisor.TerminateChildAsync(sup, "b");
        await Supervisor.DeleteChildAsync(sup, "b");
        Assert.Equal(["a"], (await ChildrenAsync(sup)).Keys);
        await Assert.ThrowsAsync<ProcessExitedException>(async () => await b.CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task Stopping_the_node_stops_a_supervision_tree_leaves_first()
    {
        var node = new Node();
        var inner = ChildSpec.ForSupervisor("inner", () => new Supervisor([Spec("x"), Spec("y")]));
        await node.StartAsync(() => new Supervisor([Spec("first"), inner, Spec("last")]));
        await node.StopAsync();
        Assert.Equal(["last", "y", "x", "first"], _terminated);
        Assert.Equal(0, node.ProcessCount);
    }

    private sealed class StuckInTerminate(Task gate) : HordeProcess
    {
        protected override ValueTask InitAsync()
        {
            TrapExits = true;
            return default;
        }

        protected override async ValueTask TerminateAsync(ExitReason reason) => await gate;
    }
}
