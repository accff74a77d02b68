namespace Horde.Net.Cluster.Tests.Processes;

/// <summary>A failure of the runtime's own machinery ends the process with a reason, never leaves it stuck.</summary>
public sealed class MachineryFailureTests
{
    [Fact]
    public async Task A_process_whose_turn_cannot_be_scheduled_ends_with_the_failure_and_its_callers_hear_of_it()
    {
        await using var node = new Node();
        var counter = new Counter();
        var pid = await node.StartAsync(() => counter);
        var probe = await Probe.StartAsync(node);
        probe.Watch(pid);
        counter.FaultInjection = point =>
        {
            if (point == MachineryPoint.Schedule)
                throw new OutOfMemoryException("injected: the thread pool cannot take the work item");
        };

        pid.Cast(new Add(1)); // wakes the idle process: scheduling it fails, and the sender does not see that

        var down = await probe.ExpectAsync<Down>();
        Assert.Equal("error", down.Reason.Kind);
        Assert.Contains("scheduling its turn", down.Reason.Detail);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<int>(new Get(), TimeSpan.FromSeconds(20)));
        Assert.Equal(ExitReason.NoProc, error.Reason);
        Assert.Equal(down.Reason, counter.ExitReason);
    }

    [Fact]
    public async Task An_exception_escaping_the_loop_outside_a_handler_ends_the_process_and_fails_its_queued_calls()
    {
        await using var node = new Node();
        var gate = new TaskCompletionSource();
        var counter = new Counter();
        var pid = await node.StartAsync(() => counter);
        var taken = 0;
        counter.FaultInjection = point =>
        {
            if (point == MachineryPoint.Loop && ++taken == 2) // the second message taken: the one behind the held call
                throw new InvalidOperationException("injected: the loop broke");
        };
        var held = pid.CallAsync<int>(new Hold(gate), TimeSpan.FromSeconds(20)).AsTask();
        var queued = pid.CallAsync<int>(new Get(), TimeSpan.FromSeconds(20)).AsTask();

        gate.SetResult(); // the handler answers, then the loop takes the next message and fails outside any handler

        Assert.Equal(0, await held.WaitAsync(TimeSpan.FromSeconds(5)));
        var error = await Assert.ThrowsAsync<ProcessExitedException>(() => queued.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("the loop broke", error.Reason.Detail);
        Assert.Equal(0, node.ProcessCount);
    }
}
