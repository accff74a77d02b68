namespace Horde.Net.Crdt.Tests;

/// <summary><c>Changed</c> subscribers that fail or write back into their own replica.</summary>
public sealed class ChangedHandlerTests
{
    [Fact]
    public async Task A_throwing_handler_is_logged_and_neither_fails_the_write_nor_stops_the_replica_or_the_other_handlers()
    {
        await using var node = await TestCluster.StartNodeAsync("changed1");
        var replica = await Replica<string, int>.StartAsync(node);
        var seen = new List<string>();
        replica.Changed += _ => throw new InvalidOperationException("a faulty subscriber");
        replica.Changed += diffs =>
        {
            lock (seen)
                seen.AddRange(diffs.Select(d => d.Key));
        };

        await replica.PutAsync("a", 1);
        await replica.PutAsync("b", 2);

        Assert.True(replica.TryGetValue("a", out _) && replica.TryGetValue("b", out _));
        Assert.Equal(2, replica.Stats.HandlerFailures);
        lock (seen)
            Assert.Equal(["a", "b"], seen);
    }

    [Fact]
    public async Task A_handler_that_writes_to_its_own_replica_does_not_deadlock()
    {
        await using var node = await TestCluster.StartNodeAsync("changed2");
        var replica = await Replica<string, int>.StartAsync(node);
        var echoed = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        replica.Changed += diffs =>
        {
            // The documented way: start the write and do not block on it; it runs after this change is handled.
            foreach (var diff in diffs.Where(d => d.Key == "ping"))
                echoed.TrySetResult(replica.PutAsync("pong", diff.Value + 1));
        };

        await replica.PutAsync("ping", 7).WaitAsync(TimeSpan.FromSeconds(10));
        await (await echoed.Task.WaitAsync(TimeSpan.FromSeconds(10))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(replica.TryGetValue("pong", out var pong));
        Assert.Equal(8, pong);
    }
}
