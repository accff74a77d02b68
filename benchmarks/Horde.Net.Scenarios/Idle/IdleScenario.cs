using System.Diagnostics;
using System.Globalization;
using Horde.Net.Scenarios.Convergence;

namespace Horde.Net.Scenarios.Idle;

/// <summary>
/// Idle cost: N nodes in this one OS process, all connected directly over loopback, one replica each, every replica a
/// neighbour of every other, nothing written. After a warm-up long enough for tiered compilation, the process's CPU
/// time (<see cref="Process.TotalProcessorTime"/>, every thread and the GC) is taken over a measuring window, once with
/// the replicas running and once with the same nodes after the replicas stopped, which splits the cost between the
/// replicas and the nodes (heartbeats, transport timers). The bytes come from a second mesh whose links run through
/// counting relays, kept out of the CPU measure because a relay in the process costs CPU of its own.
/// </summary>
public static class IdleScenario
{
    /// <summary>Runs the scenario at each node count and returns the markdown table.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<int> nodeCounts, TimeSpan warmUp, TimeSpan window, TimeSpan? heartbeatInterval = null)
    {
        var rows = new List<string>
        {
            "| nodes (one process, loopback) | with replicas: % of one core | nodes alone: % of one core | replicas' share | idle bytes/s between nodes |",
            "|---:|---:|---:|---:|---:|",
        };
        foreach (var count in nodeCounts)
        {
            var (withReplicas, alone) = await MeasureCpuAsync(count, warmUp, window, heartbeatInterval);
            var bytes = await MeasureBytesAsync(count, window, heartbeatInterval);
            Log($"{count} nodes: {withReplicas:F2}% with replicas, {alone:F2}% nodes alone, {bytes:F0} B/s");
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {count} | {withReplicas:F2}% | {alone:F2}% | {withReplicas - alone:F2}% | {bytes:N0} |"));
        }

        return string.Join(Environment.NewLine, rows);
    }

    /// <summary>Process CPU of a direct mesh (no relay in between), with its replicas and then without them.</summary>
    private static async Task<(double WithReplicas, double Alone)> MeasureCpuAsync(int count, TimeSpan warmUp, TimeSpan window, TimeSpan? heartbeatInterval)
    {
        var nodes = new List<HordeCrdtNode>();
        try
        {
            await StartWarmMeshAsync(count, nodes, proxied: false, heartbeatInterval);
            await WarmUpAsync(count, warmUp);
            long Sum(Func<Horde.Net.Crdt.Sync.SyncStats, long> of) => nodes.Sum(n => of(n.Replica.Stats));
            var (ticks, rounds, sent) = (Sum(s => s.Ticks), Sum(s => s.Rounds), Sum(s => s.MessagesSent));
            var withReplicas = await MeasureCpuWindowAsync(window);
            Log(string.Create(CultureInfo.InvariantCulture,
                $"{count} nodes, replicas in the window: {(Sum(s => s.Ticks) - ticks) / window.TotalSeconds:F1} ticks/s, {(Sum(s => s.Rounds) - rounds) / window.TotalSeconds:F1} rounds/s, {(Sum(s => s.MessagesSent) - sent) / window.TotalSeconds:F1} messages/s"));
            foreach (var node in nodes)
                await node.Replica.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            return (withReplicas, await MeasureCpuWindowAsync(window));
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    /// <summary>
    /// What an idle mesh puts on the wire (HTTP/2 framing included), counted by each node's relay in a second mesh,
    /// once the rounds have backed off to their idle pace.
    /// </summary>
    private static async Task<double> MeasureBytesAsync(int count, TimeSpan window, TimeSpan? heartbeatInterval)
    {
        var nodes = new List<HordeCrdtNode>();
        try
        {
            await StartWarmMeshAsync(count, nodes, proxied: true, heartbeatInterval);
            await Task.Delay(TimeSpan.FromSeconds(10)); // the back-off reaches its cap within a few seconds
            foreach (var node in nodes)
                node.Proxy.Reset();
            var wall = Stopwatch.StartNew();
            await Task.Delay(window); // the quantity measured is what an idle period sends
            return nodes.Sum(n => n.Proxy.Bytes) / wall.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    private static async Task StartWarmMeshAsync(int count, List<HordeCrdtNode> nodes, bool proxied, TimeSpan? heartbeatInterval)
    {
        await HordeCrdtNode.StartMeshAsync("idle", count, nodes, proxied, heartbeatInterval);
        await nodes[0].PutAsync("warm", "up");
        await ConvergenceScenario.WaitUntilAsync(() => Task.FromResult(nodes.All(n => n.Replica.TryGetValue("warm", out _))), "the warm-up write never reached every node");
    }

    /// <summary>
    /// At least <paramref name="minimum"/>, then on until the JIT has compiled nothing for <see cref="JitQuiet"/> (at most
    /// <see cref="MaxWarmUp"/>): the code an idle cluster runs is called a few times a second, so tiered compilation (with
    /// its instrumented tier) takes tens of seconds to finish with it, and would otherwise be measured as idle cost.
    /// </summary>
    private static async Task WarmUpAsync(int count, TimeSpan minimum)
    {
        var sw = Stopwatch.StartNew();
        await Task.Delay(minimum);
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietSince = sw.Elapsed;
        while (sw.Elapsed - quietSince < JitQuiet && sw.Elapsed < MaxWarmUp)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
                (compiled, quietSince) = (now, sw.Elapsed);
        }
        Log(string.Create(CultureInfo.InvariantCulture, $"{count} nodes: warmed up for {sw.Elapsed.TotalSeconds:F0} s ({compiled:N0} methods compiled, none in the last {(sw.Elapsed - quietSince).TotalSeconds:F0} s)"));
    }

    private static readonly TimeSpan JitQuiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(120);

    private static async Task<double> MeasureCpuWindowAsync(TimeSpan window)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var workItems = ThreadPool.CompletedWorkItemCount;
        var collections = GC.CollectionCount(0);
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(window); // the quantity measured is what an idle period costs
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        Log(string.Create(CultureInfo.InvariantCulture,
            $"window of {window.TotalSeconds:F0} s: {System.Runtime.JitInfo.GetCompiledMethodCount() - jitted} methods compiled, {(ThreadPool.CompletedWorkItemCount - workItems) / wall.Elapsed.TotalSeconds:F0} thread-pool work items/s, {GC.CollectionCount(0) - collections} gen0 GCs, {100 * used / wall.Elapsed:F2}% of one core"));
        return 100 * used / wall.Elapsed;
    }

    private static void Log(string text) => Console.Error.WriteLine($"[idle] {text}");
}
