
namespace Horde.Net.Cluster.Tests.Processes;

public sealed class ProcessTests : IAsyncLifetime
{
    private readonly Node _node = new();

    public ValueTask InitializeAsync() => default;

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Call_returns_the_reply_and_casts_are_handled_in_send_order()
    {
        var pid = await _node.StartAsync(() => new Counter());
        for (var i = 1; i <= 10_000; i++)
            pid.Cast(new Add(i));
        // Casts and the call share one mailbox, so the call sees every cast before it.
        Assert.Equal(50_005_000, await pid.CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_send_order()
    {
        var probe = await Probe.StartAsync(_node);
        for (var i = 0; i < 1000; i++)
            probe.Self.Send(i);
        for (var i = 0; i < 1000; i++)
            Assert.Equal(i, await probe.ExpectAsync<int>());
    }

    [Fact]
    public async Task A_call_times_out_and_its_late_reply_never_answers_a_later_call()
    {
        var pid = await _node.StartAsync(() => new Counter(start: 7));
        var gate = new TaskCompletionSource();
        await Assert.ThrowsAsync<TimeoutException>(async () => await pid.CallAsync<int>(new Hold(gate), TimeSpan.FromMilliseconds(100)));
        var later = pid.CallAsync<object>(new Echo("later"));
        gate.SetResult();
        Assert.Equal("later", await later);
        Assert.Equal(7, await pid.CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task A_call_timeout_must_be_finite()
    {
        var pid = await _node.StartAsync(() => new Counter());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await pid.CallAsync<int>(new Get(), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task A_crash_ends_only_that_process_with_the_exception_as_reason()
    {
        ExitReason? terminated = null;
        var victim = await _node.StartAsync(() => new Counter(terminated: r => terminated = r));
        var bystander = await _node.StartAsync(() => new Counter(start: 1));
        var probe = await Probe.StartAsync(_node);
        probe.Watch(victim);

        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await victim.CallAsync<int>(new Crash("boom")));
        Assert.Equal("error", error.Reason.Kind);
        Assert.IsType<InvalidOperationException>(error.Reason.Exception);

        var down = await probe.ExpectAsync<Down>();
        Assert.Equal(victim, down.Pid);
        Assert.Contains("boom", down.Reason.Detail);
        Assert.Equal(down.Reason, terminated); // terminate ran with the crash reason
        Assert.Equal(1, await bystander.CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task A_call_to_a_dead_process_fails_at_once_with_noproc()
    {
        var pid = await _node.StartAsync(() => new Counter());
        await _node.StopProcessAsync(pid);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<int>(new Get(), TimeSpan.FromSeconds(30)));
        Assert.Equal(ExitReason.NoProc, error.Reason);
    }

    [Fact]
    public async Task An_unhandled_call_fails_the_caller_and_the_process_goes_on()
    {
        var pid = await _node.StartAsync(() => new Counter(start: 3));
        var error = await Assert.ThrowsAsync<UnhandledMessageException>(async () => await pid.CallAsync<object>("what"));
        Assert.Equal(typeof(string), error.MessageType);
        Assert.Equal(3, await pid.CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_is_reported_to_the_caller()
    {
        var pid = await _node.StartAsync(() => new Counter());
        var error = await Assert.ThrowsAsync<InvalidCastException>(async () => await pid.CallAsync<string>(new Get()));
        Assert.Contains("System.Int32", error.Message);
    }

    [Fact]
    public async Task A_failing_init_fails_the_start_and_leaves_nothing_running()
    {
        var error = await Assert.ThrowsAsync<ProcessStartException>(() => _node.StartAsync(() => new Counter(failInit: _ => true), new StartOptions { Name = "c" }));
        Assert.Contains("init refused", error.Message);
        Assert.Equal(0, _node.ProcessCount);
        Assert.Null(_node.WhereIs("c"));
    }

    [Fact]
    public async Task An_init_that_does_not_finish_in_time_is_killed()
    {
        var gate = new TaskCompletionSource();
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            _node.StartAsync(() => new SlowInit(gate.Task), new StartOptions { InitTimeout = TimeSpan.FromMilliseconds(100) }));
        Assert.Contains("killed", error.Message);
        Assert.Equal(0, _node.ProcessCount);
        gate.SetResult();
    }

    [Fact]
    public async Task A_deferred_reply_answers_the_caller_later()
    {
        var pid = await _node.StartAsync(() => new Deferring());
        var first = pid.CallAsync<string>("wait");
        Assert.False(first.IsCompleted);
        Assert.Equal("released", await pid.CallAsync<string>("release"));
        Assert.Equal("answered later", await first);
    }

    [Fact]
    public async Task Names_resolve_to_the_process_and_are_freed_when_it_exits()
    {
        var pid = await _node.StartAsync(() => new Counter(), new StartOptions { Name = "counter" });
        Assert.Equal(pid, _node.WhereIs("counter"));
        var clash = await Assert.ThrowsAsync<NameTakenException>(() => _node.StartAsync(() => new Counter(), new StartOptions { Name = "counter" }));
        Assert.Equal(pid, clash.Holder);
        await _node.StopProcessAsync(pid);
        Assert.Null(_node.WhereIs("counter"));
        var again = await _node.StartAsync(() => new Counter(), new StartOptions { Name = "counter" });
        Assert.Equal(again, _node.WhereIs("counter"));
    }

    [Fact]
    public async Task A_pid_prints_and_parses_back_and_resolves_to_the_running_process()
    {
        var pid = await _node.StartAsync(() => new Counter(start: 9));
        var text = pid.ToString();
        var parsed = Pid.Parse(text);
        Assert.Equal(pid, parsed);
        Assert.Throws<InvalidOperationException>(() => parsed.Cast(new Get()));
        Assert.Equal(9, await _node.Resolve(parsed).CallAsync<int>(new Get()));
        Assert.False(Pid.TryParse("<a@h:1/zz/1>", out _));
    }

    [Fact]
    public async Task A_pid_of_an_earlier_incarnation_never_reaches_a_process_of_this_one()
    {
        await using var restarted = new Node();
        var pid = await _node.StartAsync(() => new Counter());
        var fresh = await restarted.StartAsync(() => new Counter());
        Assert.Equal(pid.Serial, fresh.Serial); // same serial, different incarnation
        Assert.NotEqual(pid, fresh);
        var stale = restarted.Resolve(Pid.Parse(pid.ToString()));
        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await stale.CallAsync<int>(new Get()));
        Assert.NotEqual(ExitReason.Normal, error.Reason);
    }

    [Fact]
    public async Task The_stopping_node_stops_roots_in_reverse_start_order_running_terminate()
    {
        var order = new List<int>();
        var node = new Node();
        for (var i = 0; i < 3; i++)
        {
            var id = i;
            await node.StartAsync(() => new Counter(terminated: _ => { lock (order) order.Add(id); }));
        }
        await node.StopAsync();
        Assert.Equal([2, 1, 0], order);
        Assert.Equal(0, node.ProcessCount);
    }

    private sealed class SlowInit(Task gate) : HordeProcess
    {
        protected override async ValueTask InitAsync() => await gate;
    }

    private sealed class Deferring : HordeProcess
    {
        private DeferredReply _waiting;

        protected override ValueTask<object?> HandleCallAsync(object message)
        {
            switch (message)
            {
                case "wait":
                    _waiting = DeferReply();
                    return Reply(null);
                case "release":
                    _waiting.Reply("answered later");
                    return Reply("released");
                default:
                    return Unhandled(message);
            }
        }
    }
}
