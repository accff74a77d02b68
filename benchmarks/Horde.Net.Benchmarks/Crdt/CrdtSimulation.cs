using System.Diagnostics;
using System.Globalization;
using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Benchmarks.Crdt;

/// <summary>
/// Scale by simulation: N replicas running the real sync code over an in-memory network with simulated time
/// (1 ms one-way latency, every message really encoded). Reports, per node, idle sync messages and bytes per
/// second, and the time for one write to reach every replica; the same for a full mesh where every replica
/// syncs with every other each interval (Horde's shape), for contrast. Also the delta_crdt_ex #45 transfer.
/// Run: dotnet run -c Release --project benchmarks/Horde.Net.Benchmarks -- crdt-sim [sizes...] (or crdt-sim fresh: only the fresh replica)
/// </summary>
public static class CrdtSimulation
{
    /// <summary>Runs the simulations and prints a table.</summary>
    public static void Run(string[] args)
    {
        if (args is ["fresh", ..])
        {
            // Only the fresh-replica transfers: the quick loop for work on the repair path (crdt-sim fresh [repeats]).
            FreshReplica(10_000);
            for (var i = 0; i < (args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2); i++)
            {
                FreshReplica(100_000);
            }

            return;
        }

        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10, 50, 100, 200];
        Console.WriteLine("| replicas | topology | neighbours/node | idle msgs/node/s | idle bytes/node/s | one write on all: median ms (max) | msgs/node per write | wall s |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var n in sizes)
        {
            Measure(n, fullMesh: false);
            Measure(n, fullMesh: true);
        }

        FreshReplica(10_000); // warms the code paths up
        FreshReplica(100_000);
        FreshReplica(100_000);
    }

    private static void Measure(int n, bool fullMesh)
    {
        var wall = Stopwatch.StartNew();
        var options = fullMesh ? new ReplicaOptions { AntiEntropyFanout = int.MaxValue } : new ReplicaOptions();
        var cluster = new SimulatedCluster<string, string>(n, options, fullMesh);
        for (var i = 0; i < n; i++)
        {
            cluster.Add(updateTopology: false);
        }

        cluster.UpdateTopology();
        var neighbours = cluster.Replicas.Average(r => r.Neighbours.Count);

        // Settle: first rounds, context exchanges.
        cluster.Run(3_000);

        var window = fullMesh && n > 50 ? 2_000 : 10_000;
        var bytes0 = cluster.Network.BytesSent.Values.Sum();
        var msgs0 = cluster.Network.MessagesSent.Values.Sum();
        cluster.Run(window);
        var idleBytes = (cluster.Network.BytesSent.Values.Sum() - bytes0) / (window / 1000.0) / n;
        var idleMsgs = (cluster.Network.MessagesSent.Values.Sum() - msgs0) / (window / 1000.0) / n;

        var times = new List<long>();
        var writeMsgs = 0.0;
        var random = new Random(n);
        for (var w = 0; w < 5; w++)
        {
            var writer = cluster.Replicas[random.Next(n)];
            var key = $"key-{w}";
            var start = cluster.NowMs;
            var m0 = cluster.Network.MessagesSent.Values.Sum();
            writer.Put(key, "value", start);
            writer.Flush(start);
            var ok = cluster.RunUntil(start + 10_000, () => cluster.Replicas.All(r => r.TryGetValue(key, out _)));
            times.Add(ok ? cluster.NowMs - start : -1);
            cluster.Run(20); // let acknowledgements land before the next write
            writeMsgs += (cluster.Network.MessagesSent.Values.Sum() - m0) / (double)n;
        }

        times.Sort();
        Console.WriteLine(
            $"| {n} | {(fullMesh ? "full mesh, all each round" : "sparse (ring ±2^k), 1 per round")} | {neighbours:F1} | {idleMsgs:F1} | {idleBytes:F0} | {times[2]} ({times[^1]}) | {writeMsgs / 5:F1} | {wall.Elapsed.TotalSeconds:F1} |");
    }

    private static void FreshReplica(int keys)
    {
        var wall = Stopwatch.StartNew();
        var cluster = new SimulatedCluster<string, string>(45, new ReplicaOptions());
        var original = cluster.Add();
        for (var i = 0; i < keys; i++)
        {
            original.Put($"key-{i}", $"value-{i}", cluster.NowMs);
        }

        var putSeconds = wall.Elapsed.TotalSeconds;
        wall.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gcs = GC.CollectionCount(0);
        var fresh = cluster.Add();
        var start = cluster.NowMs;
        var ok = cluster.RunUntil(start + 600_000, () => fresh.Count == keys && cluster.Converged());
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        gcs = GC.CollectionCount(0) - gcs;
        var bytes = cluster.Network.BytesSent.Values.Sum();
        var messages = cluster.Network.MessagesSent.Values.Sum();
        Console.WriteLine(
            $"fresh replica receives {keys:N0} keys (default max_sync_size {new ReplicaOptions().MaxSyncSize}): {(ok ? "all" : "NOT all")} " +
            $"{fresh.Count:N0} received, original keeps {original.Count:N0}; simulated {cluster.NowMs - start} ms at 1 ms latency; " +
            $"{messages:N0} messages, {bytes / 1e6:F2} MB both ways; wall {wall.Elapsed.TotalSeconds:F2} s (CPU {cpu.TotalSeconds:F2} s, GC included; {allocated / 1e6:F0} MB allocated, {gcs} collections) for the transfer (both replicas and the encoding, on one thread), {putSeconds:F2} s for the puts; bytes by kind: {string.Join(", ", cluster.Network.BytesByKind.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value / 1e3:F0} kB"))}");
    }
}
