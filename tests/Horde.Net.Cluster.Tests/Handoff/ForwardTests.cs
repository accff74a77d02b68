namespace Horde.Net.Cluster.Tests.Handoff;

/// <summary>A process moves from n0 to a successor on n2 while senders on n0 and n1 keep talking to the old pid.</summary>
public sealed class ForwardTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(3, configure: Journal.Register);

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Casts_queued_held_and_arriving_during_a_move_all_reach_the_successor_in_order_per_sender()
    {
        const int PerPhase = 300;
        var old = await _cluster[0].StartAsync(() => new Journal());
        // Two senders on the old node, two on another: each sends three phases to the old pid, whatever it has become.
        var senders = new[] { (_cluster[0], "L1"), (_cluster[0], "L2"), (_cluster[1], "R1"), (_cluster[1], "R2") }
            .Select(s => (Pid: s.Item1.Resolve(old), Name: s.Item2)).ToArray();
        void SendPhase(int phase)
        {
            Parallel.ForEach(senders, sender =>
            {
                for (var i = phase * PerPhase + 1; i <= (phase + 1) * PerPhase; i++)
                    sender.Pid.Cast(new Note(sender.Name, i));
            });
        }

        SendPhase(0); // queued, partly handled
        var suspension = await _cluster[0].SuspendAsync(old, Bound);
        SendPhase(1); // arrive while suspended: held
        var successor = await _cluster[2].StartAsync(() => new Journal(), new StartOptions { RestoredState = suspension.State });
        suspension.ForwardTo(successor, quietPeriod: TimeSpan.FromSeconds(2));
        SendPhase(2); // arrive while forwarding

        Assert.Equal(ExitReason.Moved(successor), await suspension.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        var entries = await _cluster[1].Resolve(successor).CallAsync<string[]>(new ReadJournal());
        Assert.Equal(senders.Length * 3 * PerPhase, entries.Length);
        foreach (var sender in senders)
        {
            var sequence = entries.Where(e => e.StartsWith(sender.Name + ":", StringComparison.Ordinal)).Select(e => int.Parse(e[3..]));
            Assert.Equal(Enumerable.Range(1, 3 * PerPhase), sequence);
        }
    }

    [Fact]
    public async Task Calls_during_a_move_from_local_and_remote_callers_are_answered_by_the_successor_on_a_third_node()
    {
        const int Calls = 50;
        var old = await _cluster[0].StartAsync(() => new Journal());
        var local = _cluster[0].Resolve(old);
        var remote = _cluster[1].Resolve(old);
        Assert.Equal(1, await remote.CallAsync<int>(new Note("before", 1)));
        var suspension = await _cluster[0].SuspendAsync(old, Bound);

        // Held calls from both nodes; n0 also makes its own calls to n2, whose ids must not meet the relayed ones.
        var held = Enumerable.Range(1, Calls).SelectMany(i => new[]
        {
            local.CallAsync<int>(new Note("local", i)).AsTask(),
            remote.CallAsync<int>(new Note("remote", i)).AsTask(),
        }).ToList();
        var successor = await _cluster[2].StartAsync(() => new Journal(), new StartOptions { RestoredState = suspension.State });
        var direct = _cluster[0].Resolve(successor);
        var directCalls = Enumerable.Range(1, Calls).Select(_ => direct.CallAsync<string[]>(new ReadJournal()).AsTask()).ToList();
        suspension.ForwardTo(successor, quietPeriod: TimeSpan.FromSeconds(2));
        var later = remote.CallAsync<int>(new Note("remote-later", 1)).AsTask(); // while forwarding

        var answers = await Task.WhenAll(held.Append(later)).WaitAsync(Bound);
        await Task.WhenAll(directCalls).WaitAsync(Bound);
        // Each answer is the successor's count after the call's entry: distinct, and the restored entry counts as first.
        Assert.Equal(Enumerable.Range(2, 2 * Calls + 1), answers.Order());
        var entries = await direct.CallAsync<string[]>(new ReadJournal());
        Assert.Equal(2 * Calls + 2, entries.Length);
        Assert.Equal("before:1", entries[0]);
        Assert.Equal(Enumerable.Range(1, Calls).Select(i => $"remote:{i}"), entries.Where(e => e.StartsWith("remote:", StringComparison.Ordinal)));

        Assert.Equal(ExitReason.Moved(successor), await suspension.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        var after = await Assert.ThrowsAsync<ProcessExitedException>(async () => await remote.CallAsync<int>(new Note("after", 1)));
        Assert.Equal(ExitReason.NoProc, after.Reason);
    }

    [Fact]
    public async Task A_move_to_a_successor_on_the_same_node_keeps_order_and_answers_calls()
    {
        var old = await _cluster[0].StartAsync(() => new Journal());
        var suspension = await _cluster[0].SuspendAsync(old, Bound);
        for (var i = 1; i <= 200; i++)
            old.Cast(new Note("s", i));
        var call = old.CallAsync<int>(new Note("s", 201)).AsTask();
        var successor = await _cluster[0].StartAsync(() => new Journal(), new StartOptions { RestoredState = suspension.State });
        suspension.ForwardTo(successor, quietPeriod: TimeSpan.Zero);

        Assert.Equal(201, await call);
        Assert.Equal(Enumerable.Range(1, 201).Select(i => $"s:{i}"), await successor.CallAsync<string[]>(new ReadJournal()));
        var reason = await suspension.Completion.WaitAsync(Bound);
        Assert.True(reason.IsMoved && reason.IsNormal);
        Assert.Equal(successor.ToString(), reason.Detail);
    }

    [Fact]
    public async Task Relayed_calls_with_the_same_id_from_different_nodes_each_get_their_own_answer()
    {
        // Call ids are unique only on the node that made them: two callers elsewhere can both use 7. Forwarded over one
        // connection, they must not answer each other (nor one be lost).
        var old = await _cluster[0].StartAsync(() => new Journal());
        var suspension = await _cluster[0].SuspendAsync(old, Bound);
        var first = new ReplyProbe();
        var second = new ReplyProbe();
        _cluster[0].Route(old, new Envelope(EnvelopeKind.Call, new Note("first", 1), first, 7));
        _cluster[0].Route(old, new Envelope(EnvelopeKind.Call, new Note("second", 1), second, 7));
        var successor = await _cluster[2].StartAsync(() => new Journal(), new StartOptions { RestoredState = suspension.State });
        suspension.ForwardTo(successor);

        Assert.Equal((7L, (object?)1), await first.Answer.Task.WaitAsync(Bound));
        Assert.Equal((7L, (object?)2), await second.Answer.Task.WaitAsync(Bound));
    }

    private sealed class ReplyProbe : IReplySink
    {
        public TaskCompletionSource<(long, object?)> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reply(long callId, object? value) => Answer.TrySetResult((callId, value));

        public void Fail(long callId, Exception error) => Answer.TrySetException(error);

        public bool IsPending(long callId) => !Answer.Task.IsCompleted;
    }
}
