namespace Horde.Net.Cluster.Tests.Processes;

/// <summary>A process killed while it handles a call: as with gen_server, its callers fail at once with the reason.</summary>
public sealed class KillDuringCallTests
{
    private static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(20);

    // Well under the callers' 20 s timeout, and generous for a loaded machine: a caller left to time out would miss it.
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_kill_fails_the_call_being_handled_and_every_queued_call_at_once_with_killed()
    {
        await using var node = new Node();
        var blocker = new Blocker();
        var pid = await node.StartAsync(() => blocker);
        var calls = await StartBlockedCallsAsync(pid, blocker);

        pid.Exit(ExitReason.Kill);

        await AssertAllKilledAsync(pid, calls);
        blocker.Gate.SetResult(); // the handler finishes after its process died; nobody hears from it
        Assert.Equal(ExitReason.Killed, await blocker.Finished.Task.WaitAsync(AtOnce));
    }

    [Fact]
    public async Task A_supervisor_style_brutal_kill_fails_the_callers_at_once()
    {
        await using var node = new Node();
        var parent = await Probe.StartAsync(node, trapExits: true);
        var blocker = new Blocker();
        var pid = await node.StartAsync(() => blocker, new StartOptions { Parent = parent.Self });
        var calls = await StartBlockedCallsAsync(pid, blocker);

        Assert.Equal(ExitReason.Killed, await node.ShutdownChildAsync(pid, parent.Self, TimeSpan.Zero));

        await AssertAllKilledAsync(pid, calls);
        blocker.Gate.SetResult();
    }

    [Fact]
    public async Task A_handler_whose_process_was_killed_cannot_reply_afterwards()
    {
        await using var node = new Node();
        var pid = await node.StartAsync(() => new SelfKiller());
        // The handler kills its own process, then returns a reply: the caller must see the kill, not the reply.
        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<string>("reply-after-kill", LongTimeout));
        Assert.Equal(ExitReason.Killed, error.Reason);
    }

    [Fact]
    public async Task A_deferred_call_fails_at_once_when_the_process_is_killed()
    {
        await using var node = new Node();
        var pid = await node.StartAsync(() => new SelfKiller());
        var deferred = pid.CallAsync<string>("defer", LongTimeout).AsTask();
        Assert.Equal("deferred", await pid.CallAsync<string>("status", LongTimeout));
        pid.Exit(ExitReason.Kill);
        var error = await Assert.ThrowsAsync<ProcessExitedException>(() => deferred.WaitAsync(AtOnce));
        Assert.Equal(ExitReason.Killed, error.Reason);
    }

    [Fact]
    public async Task Remote_callers_of_a_killed_process_fail_at_once_with_killed()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var blocker = new Blocker();
        var local = await cluster[1].StartAsync(() => blocker);
        var remote = cluster[0].Resolve(local);
        var calls = await StartBlockedCallsAsync(remote, blocker);

        remote.Exit(ExitReason.Kill); // the signal crosses the network too

        await AssertAllKilledAsync(remote, calls);
        blocker.Gate.SetResult();
        Assert.Equal(ExitReason.Killed, await blocker.Finished.Task.WaitAsync(AtOnce));
    }

    /// <summary>One call held in the handler and three queued behind it, all with 20 s timeouts.</summary>
    private static async Task<List<Task<string>>> StartBlockedCallsAsync(Pid pid, Blocker blocker)
    {
        var calls = new List<Task<string>> { pid.CallAsync<string>("block", LongTimeout).AsTask() };
        await blocker.Entered.Task.WaitAsync(AtOnce);
        for (var i = 0; i < 3; i++)
            calls.Add(pid.CallAsync<string>("queued", LongTimeout).AsTask());
        return calls;
    }

    private static async Task AssertAllKilledAsync(Pid pid, List<Task<string>> calls)
    {
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<ProcessExitedException>(() => call.WaitAsync(AtOnce));
            Assert.Equal(ExitReason.Killed, error.Reason);
            Assert.Equal(pid, error.Pid);
        }
    }

    private sealed class Blocker : HordeProcess
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ExitReason?> Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async ValueTask<object?> HandleCallAsync(object message)
        {
            if (message is not "block")
                return "handled";
            Entered.SetResult();
            await Gate.Task;
            Finished.SetResult(ExitReason);
            return "too late";
        }
    }

    private sealed class SelfKiller : HordeProcess
    {
        private DeferredReply _pending;
        private bool _deferred;

        protected override ValueTask<object?> HandleCallAsync(object message)
        {
            switch (message)
            {
                case "reply-after-kill":
                    Self.Exit(ExitReason.Kill);
                    return Reply("a reply from a dead process");
                case "defer":
                    _pending = DeferReply();
                    _deferred = true;
                    return Reply(null);
                case "status":
                    return Reply(_deferred ? "deferred" : "idle");
                default:
                    return Unhandled(message);
            }
        }
    }
}
