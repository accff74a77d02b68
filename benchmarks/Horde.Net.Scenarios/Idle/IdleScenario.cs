using System.Diagnostics;
using System.Globalization;
using Horde.Net.Scenarios.Convergence;

namespace Horde.Net.Scenarios.Idle;

/// <summary>
/// Idle cost: N nodes in this one OS process, all connected over loopback (each behind its counting proxy), one
/// replica each, every replica a neighbour of every other, nothing written. After a warm-up long enough for tiered
/// compilation, the process's CPU time (<see cref="Process.TotalProcessorTime"/>, every thread and the GC) is taken
/// over a measuring window, once with the replicas running and once with the same nodes after the replicas stopped,
/// which splits the cost between the replicas and the nodes (heartbeats, transport timers).
/// </summary>
public static class IdleScenario
{
    /// <summary>Runs the scenario at each node count and returns the markdown table.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<int> nodeCounts, TimeSpan warmUp, TimeSpan window)
    {
        var rows = new List<string>
        {
            "| nodes (one process, loopback) | with replicas: % of one core | nodes alone: % of one core | replicas' share | idle bytes/s between nodes |",
            "|---:|---:|---:|---:|---:|",
        };
        foreach (var count in nodeCounts)
        {
            var nodes = new List<HordeCrdtNode>();
            try
            {
                await HordeCrdtNode.StartMeshAsync("idle", count, nodes);
                await nodes[0].PutAsync("warm", "up");
                await ConvergenceScenario.WaitUntilAsync(() => Task.FromResult(nodes.All(n => n.Replica.TryGetValue("warm", out _))), "the warm-up write never reached every node");

                await WarmUpAsync(count, warmUp);
                long Sum(Func<Horde.Net.Crdt.Sync.SyncStats, long> of) => nodes.Sum(n => of(n.Replica.Stats));
                var (ticks, rounds, sent) = (Sum(s => s.Ticks), Sum(s => s.Rounds), Sum(s => s.MessagesSent));
                var (withReplicas, bytes) = await MeasureAsync(nodes, window);
                Log(string.Create(CultureInfo.InvariantCulture,
                    $"{count} nodes, replicas in the window: {(Sum(s => s.Ticks) - ticks) / window.TotalSeconds:F1} ticks/s, {(Sum(s => s.Rounds) - rounds) / window.TotalSeconds:F1} rounds/s, {(Sum(s => s.MessagesSent) - sent) / window.TotalSeconds:F1} messages/s"));
                foreach (var node in nodes)
                    await node.Replica.StopAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
                var (alone, _) = await MeasureAsync(nodes, window);
                Log($"{count} nodes: {withReplicas:F2}% with replicas, {alone:F2}% nodes alone, {bytes:F0} B/s");
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {count} | {withReplicas:F2}% | {alone:F2}% | {withReplicas - alone:F2}% | {bytes:N0} |"));
            }
            finally
            {
                foreach (var node in nodes)
                    await node.DisposeAsync();
            }
        }

        return string.Join(Environment.NewLine, rows);
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

    private static async Task<(double PercentOfCore, double BytesPerSecond)> MeasureAsync(List<HordeCrdtNode> nodes, TimeSpan window)
    {
        using var process = Process.GetCurrentProcess();
        foreach (var node in nodes)
            node.Proxy.Reset();
        process.Refresh();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(window); // the quantity measured is what an idle period costs
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        var elapsed = wall.Elapsed;
        Log($"{System.Runtime.JitInfo.GetCompiledMethodCount() - jitted} methods compiled during the {window.TotalSeconds:F0} s window");
        return (100 * used / elapsed, nodes.Sum(n => n.Proxy.Bytes) / elapsed.TotalSeconds);
    }

    private static void Log(string text) => Console.Error.WriteLine($"[idle] {text}");
}
