using System.Collections.Concurrent;
using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

public sealed class HandoffTests
{
    [Fact]
    public async Task A_node_stopped_gracefully_hands_every_child_off_with_its_exact_state_never_twice_and_no_call_fails()
    {
        const int Children = 300;
        await using var cluster = await SupervisorCluster.StartAsync();
        var ids = Enumerable.Range(0, Children).Select(i => $"order-{i}").ToArray();
        var expected = new ConcurrentDictionary<string, int>();
        await Task.WhenAll(ids.Select(async (id, i) =>
        {
            (await cluster[0].StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
            expected[id] = await cluster[0].Child<Counter>(id).CallAsync<int>(new Add(i + 1));
        }));
        var leaving = cluster.Nodes[2];
        var moving = cluster[2].LocalChildren();
        Assert.True(moving.Count > 50, $"node 2 runs only {moving.Count} of {Children} children");

        // A client on node 0 keeps calling children by id (those of the leaving node most), and a sampler checks that no
        // id ever runs on two nodes or is registered to two processes.
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var calls = 0;
        var client = Task.Run(async () =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                var id = random.Next(3) == 0 ? ids[random.Next(Children)] : moving[random.Next(moving.Count)];
                try
                {
                    var value = await cluster[0].Child<Counter>(id).CallAsync<int>(new Add(1), TimeSpan.FromSeconds(10));
                    expected.AddOrUpdate(id, value, (_, known) => Math.Max(known, value));
                    Interlocked.Increment(ref calls);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"{id}: {e.GetType().Name}: {e.Message}");
                }
            }
        });
        var survivors = cluster.Supervisors.Take(2).ToList();
        var duplicates = new ConcurrentQueue<string>();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var id in SupervisorCluster.Duplicates(cluster.Supervisors))
                    duplicates.Enqueue(id);
                await Task.Delay(2);
            }
        });

        await Eventually.TrueAsync(() => Volatile.Read(ref calls) > 20, "the client's calls go through before the stop");
        await leaving.StopAsync();
        await Eventually.TrueAsync(() => survivors.All(s => s.CountChildren() == (Children, Children)),
            "every child runs again on the two other nodes");
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) > 200, "the client keeps calling after the stop");
        stop.Cancel();
        await Task.WhenAll(client, sampler);

        Assert.Empty(failures);
        Assert.Empty(duplicates);
        Assert.Equal(Children, survivors.Sum(s => s.LocalChildren().Count));
        foreach (var id in ids)
        {
            Assert.NotEqual(leaving.Name, survivors[0].WhereIs(id)!.Node);
            Assert.Equal(expected[id], await survivors[1].Child<Counter>(id).CallAsync<int>(new Get()));
        }
        // The drain's handoff is logged as it starts and as it ends, under stable event ids.
        Assert.True(TestLogging.Factory.Has(5000, $"on {leaving.Name}:", $"handing off {moving.Count} children"), "event 5000 (drain handoff started) was logged");
        Assert.True(TestLogging.Factory.Has(5001, $"on {leaving.Name}:", $"handed off {moving.Count} children"), "event 5001 (drain handoff finished) was logged");
    }

    [Fact]
    public async Task A_child_that_cannot_be_handed_off_in_time_is_logged_and_restarted_elsewhere_by_crash_recovery_while_the_others_move()
    {
        await using var cluster = await SupervisorCluster.StartAsync(2, o => o.SuspendTimeout = TimeSpan.FromMilliseconds(200));
        var leaving = cluster.Nodes[1];
        var ring = new HashRing(cluster.Nodes.Nodes.Select(n => n.Name));
        var ids = Enumerable.Range(0, 40).Select(i => $"deadline-{i}").Where(id => ring.Owner(id) == leaving.Name).Take(5).ToList();
        foreach (var id in ids)
        {
            var spec = SupervisorCluster.Spec(id) with { ShutdownTimeout = TimeSpan.FromMilliseconds(100) };
            (await cluster[0].StartChildAsync(spec)).EnsureRunning();
            Assert.Equal(7, await cluster[0].Child<Counter>(id).CallAsync<int>(new Add(7)));
        }
        // The first child is stuck in a message (a local call on its own node), so it cannot be suspended for the move.
        var stuck = ids[0];
        var stuckPid = cluster[1].WhereIs(stuck)!;
        var (gate, entered) = (new TaskCompletionSource(), new TaskCompletionSource());
        _ = stuckPid.CallAsync<int>(new Hold(gate, entered), TimeSpan.FromSeconds(30));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        try
        {
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(3)); // a leaving node asks a stuck child again until the drain's end
            await leaving.StopAsync(drain.Token);
            Assert.Contains(TestLogging.Factory.Lines, l => l.Contains($"on {leaving.Name}: 1 of {ids.Count} children were not handed off", StringComparison.Ordinal));
            await Eventually.TrueAsync(() => ids.All(id => cluster[0].LocalChildren().Contains(id)),
                "every child, the stuck one too, runs on the remaining node", TimeSpan.FromSeconds(10));
            Assert.Equal(0, await cluster[0].Child<Counter>(stuck).CallAsync<int>(new Get())); // crash recovery: its initial state
            foreach (var id in ids.Skip(1))
                Assert.Equal(7, await cluster[0].Child<Counter>(id).CallAsync<int>(new Get())); // handed off with its state
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task A_child_busy_longer_than_the_suspend_timeout_is_still_handed_off_with_its_state_within_the_drain()
    {
        await using var cluster = await SupervisorCluster.StartAsync(2, o => o.SuspendTimeout = TimeSpan.FromMilliseconds(200));
        var leaving = cluster.Nodes[1];
        var ring = new HashRing(cluster.Nodes.Nodes.Select(n => n.Name));
        var id = Enumerable.Range(0, 40).Select(i => $"busy-{i}").First(id => ring.Owner(id) == leaving.Name);
        (await cluster[0].StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
        Assert.Equal(7, await cluster[0].Child<Counter>(id).CallAsync<int>(new Add(7)));
        var (gate, entered) = (new TaskCompletionSource(), new TaskCompletionSource());
        _ = cluster[1].WhereIs(id)!.CallAsync<int>(new Hold(gate, entered), TimeSpan.FromSeconds(30));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var stopping = leaving.StopAsync();
        // Released after several suspend timeouts: the drain asks again rather than leave the child to crash recovery.
        await Eventually.TrueAsync(() => TestLogging.Factory.Has(5006, id, "Asking again"), "the drain asked the busy child again");
        gate.SetResult();
        await stopping;

        Assert.Contains(id, cluster[0].LocalChildren());
        Assert.Equal(7, await cluster[0].Child<Counter>(id).CallAsync<int>(new Get())); // its state, not a restart's 0
    }
}
