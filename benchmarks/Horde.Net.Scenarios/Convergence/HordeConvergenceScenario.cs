using System.Diagnostics;
using System.Globalization;

namespace Horde.Net.Scenarios.Convergence;

/// <summary>
/// The convergence scenarios of <see cref="ConvergenceScenario"/> on Horde.Net.Crdt replicas
/// (<c>Replica&lt;string,string&gt;</c>, default options), all nodes in this one OS process as separate
/// <c>Node</c>s talking the cluster transport over loopback, each behind a counting proxy.
/// Same keys, values, node counts and pauses as the Akka.DistributedData run.
/// </summary>
public static class HordeConvergenceScenario
{
    /// <summary>Horde.Net's side only (a quicker loop while working on it); no ratios.</summary>
    public static async Task<string> RunAloneAsync(IReadOnlyList<int> keyCounts, IReadOnlyList<int> nodeCounts, int writes)
    {
        var rows = new List<string> { "| scenario | Horde.Net (Replica) |", "|---|---:|" };
        foreach (var keys in keyCounts)
        {
            var (time, bytes, connected) = await FreshReplicaAsync(keys);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| fresh replica receives {keys:N0} keys (3 nodes): time from join / bytes | {time.TotalSeconds:F2} s ({connected.TotalSeconds:F2} s of it to connected) / {bytes / 1e6:F2} MB |"));
        }

        foreach (var nodes in nodeCounts)
        {
            var (first, samples) = await WriteVisibleAsync(nodes, writes);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| first write after the introduction visible on all of {nodes} nodes | {first:F1} ms |"));
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| one write visible on all of {nodes} nodes: median / max of {writes} | {Stats.Quantile(samples, 0.5):F1} ms / {samples[^1]:F1} ms |"));
        }

        return string.Join(Environment.NewLine, rows);
    }

    /// <summary>
    /// (a) Two nodes hold <paramref name="keys"/> keys; a fresh third node connects to both and all three
    /// replicas become neighbours. Returns the time from its first connect to its local replica holding
    /// every key, the part of it spent connecting and setting neighbours, and all bytes between nodes meanwhile.
    /// </summary>
    public static async Task<(TimeSpan Time, long Bytes, TimeSpan ConnectedAfter)> FreshReplicaAsync(int keys)
    {
        await using var a = await HordeCrdtNode.StartAsync("crdt0");
        const int batch = 10_000;
        for (var i = 0; i < keys; i += batch)
        {
            var entries = Enumerable.Range(i, Math.Min(batch, keys - i))
                .Select(n => KeyValuePair.Create(ConvergenceScenario.KeyOf(n), $"value-{n}")).ToList();
            await a.MergeAsync(entries);
        }
        await using var b = await HordeCrdtNode.StartAsync("crdt1");
        var sw = Stopwatch.StartNew();
        await b.ConnectAsync(a);
        HordeCrdtNode[] pair = [a, b];
        foreach (var node in pair)
            await node.SetNeighboursAsync(pair);
        await ConvergenceScenario.WaitUntilAsync(() => Task.FromResult(b.Replica.Count == keys), $"second node never received {keys} keys");
        Log($"{keys:N0} keys on two nodes (the second had them {sw.Elapsed.TotalMilliseconds:F0} ms after its connect); starting a fresh one");

        await using var c = await HordeCrdtNode.StartAsync("crdt2");
        a.Proxy.Reset();
        b.Proxy.Reset();
        c.Proxy.Reset();
        long keysSentBefore = a.Replica.Stats.KeysSent + b.Replica.Stats.KeysSent, messagesBefore = a.Replica.Stats.MessagesSent + b.Replica.Stats.MessagesSent;
        sw.Restart();
        await c.ConnectAsync(a);
        await c.ConnectAsync(b);
        HordeCrdtNode[] all = [a, b, c];
        foreach (var node in all)
            await node.SetNeighboursAsync(all);
        var connected = sw.Elapsed;
        await ConvergenceScenario.WaitUntilAsync(() => Task.FromResult(c.Replica.Count == keys), $"fresh node never received {keys} keys");
        var time = sw.Elapsed;
        var bytes = a.Proxy.Bytes + b.Proxy.Bytes + c.Proxy.Bytes;
        Log($"fresh node: connected with neighbours after {connected.TotalMilliseconds:F0} ms, all {keys:N0} keys after {time.TotalMilliseconds:F0} ms, {bytes:N0} bytes");
        // Where the bytes went: keys the two old replicas sent (both may repair the fresh one at once) and the relays.
        Log($"fresh node: old replicas sent {a.Replica.Stats.KeysSent + b.Replica.Stats.KeysSent - keysSentBefore:N0} keys in "
            + $"{a.Replica.Stats.MessagesSent + b.Replica.Stats.MessagesSent - messagesBefore:N0} messages; fresh replica received {c.Replica.Stats.KeysReceived:N0} keys "
            + $"in {c.Replica.Stats.MessagesReceived:N0} messages and sent {c.Replica.Stats.KeysSent:N0} keys in {c.Replica.Stats.MessagesSent:N0}; "
            + $"relay bytes A {a.Proxy.Bytes:N0}, B {b.Proxy.Bytes:N0}, C {c.Proxy.Bytes:N0}");
        return (time, bytes, connected);
    }

    /// <summary>
    /// (b) <paramref name="nodes"/> nodes, all connected, every replica a neighbour of every other; node 0
    /// writes one new key <paramref name="writes"/> times, each after the previous is visible everywhere.
    /// Returns the time until a local read on every other node returns it, per write.
    /// </summary>
    internal static async Task<WriteSamples> WriteVisibleAsync(int nodes, int writes)
    {
        var all = new List<HordeCrdtNode>();
        try
        {
            await HordeCrdtNode.StartMeshAsync("crdt", nodes, all);

            // A write reaches a neighbour only once the two replicas have exchanged ids (the introduction, a round trip
            // each); a write made before that waits for it. Timed apart, so the first write below measures the write.
            var introduction = Stopwatch.StartNew();
            await ConvergenceScenario.WaitUntilAsync(() => Task.FromResult(all.All(n => n.Replica.Neighbours.Count == nodes - 1)),
                "the replicas were never introduced to each other");
            Log($"{nodes} nodes: every replica knows its {nodes - 1} neighbours {introduction.Elapsed.TotalMilliseconds:F1} ms after the last SetNeighbours");
            return await ConvergenceScenario.SampleWritesAsync(nodes, writes, key => WriteAndWaitAsync(all, key), Log);
        }
        finally
        {
            foreach (var node in all)
                await node.DisposeAsync();
        }
    }

    private static async Task<TimeSpan> WriteAndWaitAsync(List<HordeCrdtNode> nodes, string key)
    {
        var sw = Stopwatch.StartNew();
        await nodes[0].PutAsync(key, "v");
        await ConvergenceScenario.WaitUntilAsync(
            () => Task.FromResult(nodes.Skip(1).All(n => n.Replica.TryGetValue(key, out _))),
            $"write {key} never reached every node");
        return sw.Elapsed;
    }

    private static void Log(string text) => Console.Error.WriteLine($"[horde-crdt] {text}");
}
