using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Horde.Net.Supervisor.Tests.OsProcesses;

/// <summary>Supervisor nodes in their own OS processes, stopped by real signals: SIGTERM hands children off with their state, SIGKILL falls back to checkpoints.</summary>
public sealed class SignalTests
{
    [Fact]
    public async Task Sigterm_of_one_of_three_nodes_moves_each_of_1000_children_with_its_exact_state_and_none_runs_twice()
    {
        const int Children = 1000;
        await using var cluster = await ProcessCluster.StartAsync(3, 3);
        var nodes = cluster.Snapshot();
        ProcessCluster.AssertStarted(Children, await nodes[0].CommandAsync($"start c {Children}"));
        Assert.Equal("OK", await nodes[0].CommandAsync($"add c {Children}")); // child c-i holds i + 1
        await cluster.WaitUntilAllRunAsync(Children, TimeSpan.FromSeconds(10));
        var victim = nodes[2];
        var moving = await ProcessCluster.LocalAsync(victim);
        Assert.True(moving.Count > Children / 5, $"{victim.Name} runs only {moving.Count} of {Children} children");

        Dictionary<string, long>[] after;
        await using (var sampler = new DuplicateSampler(cluster))
        {
            await Eventually.TrueAsync(() => sampler.Rounds > 2, "the sampler has sampled every node");
            await cluster.TerminateAsync(victim);
            await cluster.WaitUntilAllRunAsync(Children, TimeSpan.FromSeconds(10));
            var rounds = sampler.Rounds;
            await Eventually.TrueAsync(() => sampler.Rounds > rounds + 2, "the sampler has sampled the survivors after the move");
            Assert.Empty(sampler.Duplicates);
            after = await Task.WhenAll(nodes.Take(2).Select(ProcessCluster.LocalAsync));
        }

        Assert.Empty(after[0].Keys.Intersect(after[1].Keys));
        foreach (var (id, epoch) in moving)
        {
            var successor = after[0].TryGetValue(id, out var e0) ? e0 : after[1][id];
            Assert.True(successor == epoch + 1, $"{id} moved from epoch {epoch} to {successor}, not to the next epoch (restarted instead of handed off?)");
        }
        var states = await ProcessCluster.StatesAsync(nodes[1], "c", Children);
        Assert.Equal(Enumerable.Range(1, Children), states);
    }

    [Fact]
    public async Task A_rolling_restart_of_every_node_keeps_every_childs_state_while_a_client_calls_them_with_no_failed_call()
    {
        const int Children = 300;
        // s0 comes back as s0, s1 is replaced by s3 (a new name), s2 comes back as s2.
        await using var cluster = await ProcessCluster.StartAsync(4, 3);
        var nodes = cluster.Snapshot();
        ProcessCluster.AssertStarted(Children, await nodes[0].CommandAsync($"start r {Children}"));
        await cluster.WaitUntilAllRunAsync(Children, TimeSpan.FromSeconds(10));

        // The client calls random children by id through a node that is not the one stopping, and counts what each
        // acknowledged; every answer must be that count (nothing lost, nothing applied twice).
        var acknowledged = new int[Children];
        var failures = new ConcurrentQueue<string>();
        var through = nodes[1];
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var client = Task.Run(async () =>
        {
            var random = new Random(13);
            while (!stop.IsCancellationRequested)
            {
                var i = random.Next(Children);
                var node = Volatile.Read(ref through);
                var answer = await node.CommandAsync($"call r-{i} 1");
                if (int.TryParse(answer, CultureInfo.InvariantCulture, out var value) && value == acknowledged[i] + 1)
                    acknowledged[i] = value;
                else
                    failures.Enqueue($"r-{i} through {node.Name}: '{answer}', acknowledged {acknowledged[i]} before");
                Interlocked.Increment(ref calls);
            }
        });

        await using (var sampler = new DuplicateSampler(cluster))
        {
            (int Stop, int Start, int Through)[] rounds = [(0, 0, 1), (1, 3, 2), (2, 2, 0)];
            var current = nodes.ToList();
            foreach (var (stopIndex, startIndex, throughIndex) in rounds)
            {
                var victim = current.Single(n => n.Name == cluster[stopIndex]);
                Volatile.Write(ref through, current.Single(n => n.Name == cluster[throughIndex]));
                var before = Volatile.Read(ref calls);
                await Eventually.TrueAsync(() => Volatile.Read(ref calls) > before + 20, $"the client calls through {through.Name} before {victim.Name} stops");
                await cluster.TerminateAsync(victim);
                current.Remove(victim);
                current.Add(await cluster.StartAsync(cluster[startIndex]));
                await cluster.WaitUntilAllSeeAsync(3);
                await cluster.WaitUntilAllRunAsync(Children, TimeSpan.FromSeconds(10));
            }
            var last = Volatile.Read(ref calls);
            await Eventually.TrueAsync(() => Volatile.Read(ref calls) > last + 20, "the client calls after the last restart");
            await stop.CancelAsync();
            await client;
            Assert.Empty(sampler.Duplicates);
        }

        Assert.Empty(failures);
        Assert.True(calls > 200, $"the client made only {calls} calls");
        Assert.Equal(acknowledged, await ProcessCluster.StatesAsync(cluster.Snapshot()[0], "r", Children));
    }

    [Fact]
    public async Task Sigkill_with_checkpoints_restarts_the_children_elsewhere_within_the_failure_threshold_from_their_last_checkpoint()
    {
        const int Children = 300;
        var threshold = TimeSpan.FromSeconds(3); // NodeProcess's FailureThreshold
        await using var cluster = await ProcessCluster.StartAsync(3, 3);
        var nodes = cluster.Snapshot();
        ProcessCluster.AssertStarted(Children, await nodes[0].CommandAsync($"start k {Children} 50"));
        Assert.Equal("OK", await nodes[0].CommandAsync($"add k {Children}"));
        // Every node's checkpoint of each child holds its state now, and every node holds the same checkpoints.
        var seen = "";
        await Eventually.TrueAsync(async () =>
        {
            var statuses = await Task.WhenAll(nodes.Select(n => n.CommandAsync("status")));
            var local = await Task.WhenAll(nodes.Select(ProcessCluster.LocalAsync));
            var checkpoints = await Task.WhenAll(nodes.Select(n => n.CommandAsync("checkpoints")));
            seen = $"{string.Join("; ", statuses)}; local {string.Join("/", local.Select(l => l.Count))}; checkpoints {string.Join("/", checkpoints.Select(c => c.Split(' ').Length))}";
            return statuses.Select((s, i) => ProcessCluster.Status(s)["current"] == local[i].Count).All(c => c)
                && checkpoints.Distinct().Count() == 1 && checkpoints[0].Split(' ').Length == Children;
        }, () => $"every node holds every child's current checkpoint ({seen})", TimeSpan.FromSeconds(10));
        var victim = nodes[2];
        var lost = await ProcessCluster.LocalAsync(victim);
        Assert.NotEmpty(lost);

        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(victim);
        await cluster.WaitUntilAllRunAsync(Children, TimeSpan.FromSeconds(15));
        var recovered = clock.Elapsed;
        TestContext.Current.SendDiagnosticMessage($"{lost.Count} children ran again {recovered.TotalMilliseconds:0} ms after SIGKILL");
        // Failure detection (a killed process's connections close at once, and a dropped run keeps its children for the
        // failure threshold in case it is back; silence takes the threshold too), one supervisor tick and one sync; the
        // rest is slack for a loaded machine (5.9 s was seen at load average 50).
        Assert.True(recovered < threshold + TimeSpan.FromSeconds(4), $"the children ran again after {recovered.TotalMilliseconds:0} ms");

        Assert.Equal(Enumerable.Range(1, Children), await ProcessCluster.StatesAsync(nodes[0], "k", Children));
        var after = await Task.WhenAll(nodes.Take(2).Select(ProcessCluster.LocalAsync));
        foreach (var id in lost.Keys)
            Assert.True(after[0].ContainsKey(id) ^ after[1].ContainsKey(id), $"{id} does not run on exactly one survivor");
    }
}
