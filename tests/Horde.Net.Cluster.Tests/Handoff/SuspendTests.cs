namespace Horde.Net.Cluster.Tests.Handoff;

public sealed class SuspendTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private Node _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestCluster.StartNodeAsync("n0", Journal.Register);

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_suspension_waits_for_the_running_handler_and_captures_the_state_after_it()
    {
        var pid = await _node.StartAsync(() => new Journal());
        var block = new Block(new(), new());
        pid.Cast(block);
        await block.Entered.Task;
        pid.Cast(new Note("queued", 1)); // behind the handler: held, not handled

        var suspending = _node.SuspendAsync(pid, Bound);
        Assert.False(suspending.IsCompleted);
        block.Gate.SetResult();
        var suspension = await suspending;

        Assert.Equal(["after-block"], Journal.Read(_node, suspension.State!.Value).Entries);
        suspension.Resume();
        Assert.Equal(["after-block", "queued:1"], await pid.CallAsync<string[]>(new ReadJournal()));
    }

    [Fact]
    public async Task Resume_handles_the_held_messages_in_order_as_if_nothing_happened()
    {
        var pid = await _node.StartAsync(() => new Journal());
        var suspension = await _node.SuspendAsync(pid, Bound);
        for (var i = 1; i <= 100; i++)
            pid.Cast(new Note("r", i));
        var call = pid.CallAsync<int>(new Note("r", 101)).AsTask();
        // Held: a negative check can only wait.
        await Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Empty(Journal.Read(_node, suspension.State!.Value).Entries);

        suspension.Resume();
        Assert.Equal(101, await call);
        Assert.Equal(Enumerable.Range(1, 101).Select(i => $"r:{i}"), await pid.CallAsync<string[]>(new ReadJournal()));
        Assert.Throws<InvalidOperationException>(() => suspension.Resume()); // decided once
        (await _node.SuspendAsync(pid, Bound)).Resume(); // and it can be suspended again
    }

    [Fact]
    public async Task Abandon_ends_the_process_and_fails_the_held_calls_with_its_reason()
    {
        var pid = await _node.StartAsync(() => new Journal());
        var suspension = await _node.SuspendAsync(pid, Bound);
        var call = pid.CallAsync<int>(new Note("x", 1)).AsTask();
        var reason = ExitReason.Custom("handoff_failed", "no successor");

        suspension.Abandon(reason);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(() => call);
        Assert.Equal(reason, error.Reason);
        Assert.Equal(reason, await suspension.Completion);
        var late = await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<int>(new ReadJournal()));
        Assert.Equal(ExitReason.NoProc, late.Reason);
    }

    [Fact]
    public async Task A_suspension_that_times_out_leaves_the_process_running()
    {
        var pid = await _node.StartAsync(() => new Journal());
        var block = new Block(new(), new());
        pid.Cast(block);
        await block.Entered.Task;

        await Assert.ThrowsAsync<TimeoutException>(() => _node.SuspendAsync(pid, TimeSpan.FromMilliseconds(100)));
        pid.Cast(new Note("t", 1));
        block.Gate.SetResult();
        Assert.Equal(["after-block", "t:1"], await pid.CallAsync<string[]>(new ReadJournal())); // not held: the request was withdrawn
        (await _node.SuspendAsync(pid, Bound)).Resume();
    }

    [Fact]
    public async Task A_process_without_state_suspends_with_no_state_and_a_dead_one_cannot()
    {
        var stateless = await _node.StartAsync(() => new Stateless());
        var suspension = await _node.SuspendAsync(stateless, Bound);
        Assert.Null(suspension.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _node.SuspendAsync(stateless, Bound)); // already suspended
        suspension.Abandon(ExitReason.Shutdown);
        Assert.Equal(ExitReason.Shutdown, await suspension.Completion);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(() => _node.SuspendAsync(stateless, Bound));
        Assert.Equal(ExitReason.NoProc, error.Reason);
    }

    [Fact]
    public async Task A_process_killed_before_its_boundary_fails_the_suspension()
    {
        var pid = await _node.StartAsync(() => new Journal());
        var block = new Block(new(), new());
        pid.Cast(block);
        await block.Entered.Task;
        var suspending = _node.SuspendAsync(pid, Bound);
        pid.Exit(ExitReason.Kill);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(() => suspending);
        Assert.Equal(ExitReason.Killed, error.Reason);
    }
}
