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

                await Task.Delay(warmUp);
                var (withReplicas, bytes) = await MeasureAsync(nodes, window);
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

    private static async Task<(double PercentOfCore, double BytesPerSecond)> MeasureAsync(List<HordeCrdtNode> nodes, TimeSpan window)
    {
        using var process = Process.GetCurrentProcess();
        foreach (var node in nodes)
            node.Proxy.Reset();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(window); // the quantity measured is what an idle period costs
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        var elapsed = wall.Elapsed;
        return (100 * used / elapsed, nodes.Sum(n => n.Proxy.Bytes) / elapsed.TotalSeconds);
    }

    private static void Log(string text) => Console.Error.WriteLine($"[idle] {text}");
}
