using System.Diagnostics;
using System.Globalization;

namespace Horde.Net.Scenarios.Convergence;

/// <summary>
/// CRDT convergence with Akka.NET DistributedData (LWWDictionary&lt;string,string&gt;), all nodes in
/// this one OS process as separate ActorSystems talking Akka.Remote over loopback TCP, each behind
/// a counting proxy. Keys are <c>key-000000</c>..., values <c>value-N</c>; the Horde.Net run
/// (<see cref="HordeConvergenceScenario"/>) uses the same, and <see cref="RunAsync"/> tabulates both.
/// </summary>
public static class ConvergenceScenario
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>
    /// (a) Two nodes hold <paramref name="keys"/> keys; a fresh third node joins. Returns the time from
    /// its join command to its local replica holding every key, and all bytes between nodes meanwhile.
    /// The keys are written on the first node while it is alone (in batches of 10,000: one update per
    /// key would take Akka minutes), then the second joins and receives them, then the measured third.
    /// </summary>
    public static async Task<(TimeSpan Time, long Bytes, TimeSpan UpAfter)> FreshReplicaAsync(int keys)
    {
        using var cancel = new CancellationTokenSource(Limit);
        await using var a = AkkaDDataNode.Start();
        await a.JoinAsync(a.Address, cancel.Token);
        const int batch = 10_000;
        for (var i = 0; i < keys; i += batch)
        {
            var entries = Enumerable.Range(i, Math.Min(batch, keys - i))
                .Select(n => KeyValuePair.Create(KeyOf(n), $"value-{n}")).ToList();
            await a.PutAsync(entries);
        }
        await using var b = AkkaDDataNode.Start();
        var sw = Stopwatch.StartNew();
        await b.JoinAsync(a.Address, cancel.Token);
        await WaitUntilAsync(async () => (await b.ReadLocalAsync())?.Count == keys, $"second node never received {keys} keys");
        Log($"{keys:N0} keys on two nodes (the second had them {sw.Elapsed.TotalMilliseconds:F0} ms after its join); starting a fresh one");

        await using var c = AkkaDDataNode.Start();
        a.Proxy.Reset();
        b.Proxy.Reset();
        c.Proxy.Reset();
        sw.Restart();
        await c.JoinAsync(a.Address, cancel.Token);
        var up = sw.Elapsed;
        await WaitUntilAsync(async () => (await c.ReadLocalAsync())?.Count == keys, $"fresh node never received {keys} keys");
        var time = sw.Elapsed;
        var bytes = a.Proxy.Bytes + b.Proxy.Bytes + c.Proxy.Bytes;
        Log($"fresh node: Up after {up.TotalMilliseconds:F0} ms, all {keys:N0} keys after {time.TotalMilliseconds:F0} ms, {bytes:N0} bytes");
        return (time, bytes, up);
    }

    /// <summary>
    /// (b) <paramref name="nodes"/> nodes; node 0 writes one new key <paramref name="writes"/> times, each
    /// after the previous is visible everywhere. Returns the time until a local read on every other node
    /// returns it, per write.
    /// </summary>
    internal static async Task<WriteSamples> WriteVisibleAsync(int nodes, int writes)
    {
        var all = new List<AkkaDDataNode>();
        try
        {
            using var cancel = new CancellationTokenSource(Limit);
            for (var i = 0; i < nodes; i++)
                all.Add(AkkaDDataNode.Start());
            foreach (var node in all)
                await node.JoinAsync(all[0].Address, cancel.Token);
            await WaitUntilAsync(() => Task.FromResult(all.All(n => n.UpMembers == nodes)), "cluster never formed");

            // The warm-up write also waits until every replicator knows every member.
            return await SampleWritesAsync(nodes, writes, key => WriteAndWaitAsync(all, key), Log);
        }
        finally
        {
            foreach (var node in all)
                await node.DisposeAsync();
        }
    }

    /// <summary>
    /// One first write, right after the replicas were introduced (timed on its own: it pays for whatever the
    /// introduction left unfinished), then <paramref name="writes"/> timed ones, each after a pause of random length: not
    /// a synchronisation, but so that writes do not all land at the same phase of a library's propagation tick and
    /// measure that phase instead of the typical latency. Returns the first time and the sorted later ones, in ms.
    /// </summary>
    internal static async Task<WriteSamples> SampleWritesAsync(int nodes, int writes, Func<string, Task<TimeSpan>> writeAndWait, Action<string> log)
    {
        var first = (await writeAndWait("warm-up")).TotalMilliseconds;
        log($"{nodes} nodes: first write after the introduction visible everywhere after {first:F1} ms");
        var samples = new double[writes];
        for (var i = 0; i < writes; i++)
        {
            await Task.Delay(Random.Shared.Next(0, 500));
            samples[i] = (await writeAndWait($"w-{i}")).TotalMilliseconds;
        }
        Array.Sort(samples);
        log($"{nodes} nodes: median {Stats.Quantile(samples, 0.5):F0} ms, max {samples[^1]:F0} ms over {writes} writes");
        return new WriteSamples(first, samples);
    }

    private static async Task<TimeSpan> WriteAndWaitAsync(List<AkkaDDataNode> nodes, string key)
    {
        var sw = Stopwatch.StartNew();
        await nodes[0].PutAsync([KeyValuePair.Create(key, "v")]);
        await WaitUntilAsync(async () =>
        {
            foreach (var node in nodes.Skip(1))
            {
                if ((await node.ReadLocalAsync())?.ContainsKey(key) != true)
                    return false;
            }
            return true;
        }, $"write {key} never reached every node");
        return sw.Elapsed;
    }

    internal static string KeyOf(int n) => $"key-{n:D6}";

    // Bounded polling of local reads: a subscription would add Akka's 500 ms notify interval.
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > Limit)
                throw new TimeoutException(failure);
            await Task.Delay(2);
        }
    }

    private static void Log(string text) => Console.Error.WriteLine($"[ddata] {text}");

    /// <summary>Runs every convergence scenario on both libraries and returns the markdown table.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<int> keyCounts, IReadOnlyList<int> nodeCounts, int writes, bool withAkka = true)
    {
        if (!withAkka)
        {
            return await HordeConvergenceScenario.RunAloneAsync(keyCounts, nodeCounts, writes);
        }

        var rows = new List<string>
        {
            "| scenario | Akka.DistributedData 1.5.73 (LWWDictionary) | Horde.Net (Replica) | Horde.Net / Akka |",
            "|---|---:|---:|---:|",
        };
        foreach (var keys in keyCounts)
        {
            var (time, bytes, up) = await FreshReplicaAsync(keys);
            var (hordeTime, hordeBytes, connected) = await HordeConvergenceScenario.FreshReplicaAsync(keys);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| fresh replica receives {keys:N0} keys (3 nodes): time from join / bytes | {time.TotalSeconds:F2} s ({up.TotalSeconds:F2} s of it to Up) / {bytes / 1e6:F2} MB | {hordeTime.TotalSeconds:F2} s ({connected.TotalSeconds:F2} s of it to connected) / {hordeBytes / 1e6:F2} MB | {hordeTime / time:F2}× / {(double)hordeBytes / bytes:F2}× |"));
        }
        foreach (var nodes in nodeCounts)
        {
            var (akkaFirst, samples) = await WriteVisibleAsync(nodes, writes);
            var (hordeFirst, hordeSamples) = await HordeConvergenceScenario.WriteVisibleAsync(nodes, writes);
            double median = Stats.Quantile(samples, 0.5), hordeMedian = Stats.Quantile(hordeSamples, 0.5);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| first write after the introduction visible on all of {nodes} nodes | {akkaFirst:F0} ms | {hordeFirst:F1} ms | {hordeFirst / akkaFirst:F3}× |"));
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| one write visible on all of {nodes} nodes: median / max of {writes} | {median:F0} ms / {samples[^1]:F0} ms | {hordeMedian:F1} ms / {hordeSamples[^1]:F1} ms | {hordeMedian / median:F3}× / {hordeSamples[^1] / samples[^1]:F3}× |"));
        }
        return string.Join(Environment.NewLine, rows);
    }
}

/// <summary>The time of the first write after the introduction, and of the later ones (sorted), in milliseconds.</summary>
internal sealed record WriteSamples(double FirstMs, double[] Sorted);
