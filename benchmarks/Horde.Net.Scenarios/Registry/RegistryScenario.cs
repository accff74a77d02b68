using System.Diagnostics;
using System.Globalization;
using System.Text;
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Horde.Net.Crdt.Sync;
using Horde.Net.Registry;
using MessagePack;

namespace Horde.Net.Scenarios.Registry;

/// <summary>
/// The registry's figures on three real nodes (<see cref="RegistryCluster"/>): register N names on node 0 (registers/s,
/// process CPU per register, the time until all are visible on the other two), the same writes to a bare replica of the
/// same entry type (what the registry layer adds), lookups on node 1 of names held on node 0 (per second of wall time
/// and per second of the thread's CPU time, one thread), and a call by name across nodes against a call by pid.
/// </summary>
public static class RegistryScenario
{
    private const int WarmUp = 2_000;
    private const int MaxWarmUpBatches = 15;
    private static readonly TimeSpan QuietPause = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan QuietJit = TimeSpan.FromMilliseconds(3);

    public static async Task<string> RunAsync(int names, int calls, TimeSpan lookupFor, int inFlight, int rounds)
    {
        var keys = Keys("name-", names);

        // Rounds of both kinds of write, alternating, each on a fresh cluster, so that neither pays for what the other
        // left behind (a larger heap, the replicas' rounds over more keys) and the first does not pay alone for the JIT.
        var runs = new List<(WriteRun Bare, WriteRun Registry)>();
        for (var round = 0; round < rounds; round++)
        {
            await using (var bareCluster = await RegistryCluster.StartAsync())
                runs.Add((await BareWritesAsync(bareCluster, keys, inFlight), default));
            await using var cluster = await RegistryCluster.StartAsync();
            runs[^1] = runs[^1] with { Registry = await RegistersAsync(cluster, keys, inFlight) };
            if (round < rounds - 1)
                continue;

            var (lookupRate, lookupPerCpu) = Lookups(cluster.Registries[1], keys, lookupFor);

            // A call from node 1 to a process on node 0: by pid, then by name (sequential, after warm-up).
            var reader = cluster.Registries[1];
            var target = reader.WhereIs(keys[0])!;
            for (var i = 0; i < 500; i++)
            {
                await target.CallAsync<int>(new Ping(i));
                await reader.CallAsync<int>(keys[0], new Ping(i));
            }
            var byPid = await TimeCallsAsync(calls, i => target.CallAsync<int>(new Ping(i)).AsTask());
            var byName = await TimeCallsAsync(calls, i => reader.CallAsync<int>(keys[0], new Ping(i)));
            return Table(names, inFlight, runs, lookupRate, lookupPerCpu, byPid, byName);
        }
        throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "at least one round");
    }

    /// <summary>The same entries as the registry's, written straight to a bare replica (register-if-absent), after a warm-up.</summary>
    private static async Task<WriteRun> BareWritesAsync(RegistryCluster cluster, string[] keys, int inFlight)
    {
        var raw = cluster.Raw[0];
        Task<bool> Write(string key, int i)
        {
            var entry = new RegistryEntry<string>(cluster.Holders[i % cluster.Holders.Length], "v", 0);
            return raw.UpdateAsync(key, (_, exists) => (!exists, entry), WriteLevel.All);
        }
        int Others() => Math.Min(cluster.Raw[1].Count, cluster.Raw[2].Count);
        var warm = await WarmUpAsync(Write, inFlight, Others);
        return await WritesAsync(keys, Write, inFlight, Others, warm + keys.Length, cluster.Raw[1].Stats);
    }

    /// <summary>Registers the names on node 0, after a warm-up.</summary>
    private static async Task<WriteRun> RegistersAsync(RegistryCluster cluster, string[] keys, int inFlight)
    {
        var registry = cluster.Registries[0];
        // Awaited, not ContinueWith: a continuation task would cost the registry one more thread-pool hop than the bare writes pay.
        async Task<bool> Register(string key, int i) =>
            (await registry.RegisterAsync(key, cluster.Holders[i % cluster.Holders.Length], "v")).IsRegistered;
        int Others() => Math.Min(cluster.Registries[1].Count, cluster.Registries[2].Count);
        var warm = await WarmUpAsync(Register, inFlight, Others);
        return await WritesAsync(keys, Register, inFlight, Others, warm + keys.Length, cluster.Registries[1].Names.Stats);
    }

    private static string Table(int names, int inFlight, List<(WriteRun Bare, WriteRun Registry)> runs, double lookupRate, double lookupPerCpu,
        (double Median, double P99) byPid, (double Median, double P99) byName)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Registry, three nodes over gRPC on loopback in one OS process; {names:N0} names written on node 0, {inFlight:N0} in flight at a time, after warm-up batches of {WarmUp:N0} each, each followed by {QuietPause.TotalMilliseconds:N0} ms, until two batches in a row compiled under {QuietJit.TotalMilliseconds:N0} ms of JIT each (at most {MaxWarmUpBatches} batches).");
        table.AppendLine();
        table.AppendLine("| work | bare replica (`UpdateAsync`, `WriteLevel.All`) | registry (`RegisterAsync`) | registry / bare |");
        table.AppendLine("|---|---:|---:|---:|");
        foreach (var ((bare, registered), round) in runs.Select((run, i) => (run, i + 1)))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| round {round}: write {names:N0} names, per second | {bare.Rate:N0}/s | {registered.Rate:N0}/s | {registered.Rate / bare.Rate:N2}× |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| round {round}: process CPU per write (all three nodes, GC included) | {bare.CpuMicros:N1} µs | {registered.CpuMicros:N1} µs | {registered.CpuMicros / bare.CpuMicros:N2}× |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| round {round}: allocated per write (all three nodes), gen0/1/2 collections, GC pause and JIT time per write | {bare.Gc} | {registered.Gc} | |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| round {round}: keys per sync message node 1 received | {bare.KeysPerMessage:N1} | {registered.KeysPerMessage:N1} | |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| round {round}: all visible on both other nodes, from the first write / after the last returned | {bare.Visible.TotalMilliseconds:N0} / {bare.After.TotalMilliseconds:N1} ms | {registered.Visible.TotalMilliseconds:N0} / {registered.After.TotalMilliseconds:N1} ms | |");
        }
        table.AppendLine();
        table.AppendLine("| work | Horde.Net |");
        table.AppendLine("|---|---|");
        table.AppendLine(CultureInfo.InvariantCulture, $"| lookup of a name held by another node, one thread: per second of wall time / of the thread's CPU time | {lookupRate / 1e6:N1}M/s / {lookupPerCpu / 1e6:N1}M/s |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| call across nodes by pid, median / p99 | {byPid.Median:N0} / {byPid.P99:N0} µs |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| call across nodes by name, median / p99 | {byName.Median:N0} / {byName.P99:N0} µs |");
        return table.ToString();
    }

    /// <summary>
    /// Writes batches of <see cref="WarmUp"/> keys of their own until batches compile (almost) nothing more: every round
    /// starts fresh nodes, whose hosts, gRPC services and serializers compile code of their own on first use, and that
    /// compilation is no part of what a write costs a running node (the JIT time left is reported with the figures).
    /// </summary>
    /// <returns>How many keys the warm-up wrote.</returns>
    private static async Task<int> WarmUpAsync(Func<string, int, Task<bool>> write, int inFlight, Func<int> othersCount)
    {
        var (written, quiet) = (0, 0);
        for (var batch = 0; batch < MaxWarmUpBatches && quiet < 2; batch++)
        {
            // Two quiet batches in a row: the tiering JIT promotes hot methods in bursts, some time after their first calls.
            var jit = System.Runtime.JitInfo.GetCompilationTime();
            await WritesAsync(Keys($"warm{batch}-", WarmUp), write, inFlight, othersCount, written + WarmUp);
            written += WarmUp;
            await Task.Delay(QuietPause); // the tier-up compiles in the background, after a delay: let it catch up
            quiet = System.Runtime.JitInfo.GetCompilationTime() - jit < QuietJit ? quiet + 1 : 0;
        }
        return written;
    }

    private static string[] Keys(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Writes every key, <paramref name="inFlight"/> at a time, then waits until the other nodes hold <paramref name="total"/> keys.</summary>
    private static async Task<WriteRun> WritesAsync(string[] keys, Func<string, int, Task<bool>> write, int inFlight, Func<int> othersCount, int total,
        SyncStats? receiver = null)
    {
        // What the clusters of earlier rounds left is collected now, not by a full collection inside the timed writes.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0, gen1, gen2, paused) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var (messages, received) = (receiver?.MessagesReceived ?? 0, receiver?.KeysReceived ?? 0);
        var clock = Stopwatch.StartNew();
        var results = await Windowed.RunAsync(keys, inFlight, write);
        var written = clock.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var gc = new GcUse(
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)keys.Length,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2,
            (GC.GetTotalPauseDuration() - paused).TotalMicroseconds / keys.Length,
            (System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMicroseconds / keys.Length);
        await RegistryCluster.UntilAsync(() => othersCount() >= total, TimeSpan.FromSeconds(60));
        var keysPerMessage = receiver is null ? 0 : (receiver.KeysReceived - received) / (double)Math.Max(1, receiver.MessagesReceived - messages);
        var visible = clock.Elapsed;
        if (results.Any(r => !r))
            throw new InvalidOperationException("a write was refused");
        return new(keys.Length / written.TotalSeconds, used.TotalMicroseconds / keys.Length, visible, visible - written, gc, keysPerMessage);
    }

    /// <summary>
    /// Looks up every key on this thread for <paramref name="duration"/>: lookups per second of wall time, and per
    /// second of this thread's own CPU time (what a core does when the machine's other load leaves it to us).
    /// </summary>
    private static (double PerSecond, double PerCpuSecond) Lookups(HordeRegistry<string> reader, string[] keys, TimeSpan duration)
    {
        var lookups = 0L;
        var found = 0L;
        var cpu = ThreadCpuTime();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            foreach (var key in keys)
            {
                if (reader.TryLookup(key, out _))
                    found++;
            }
            lookups += keys.Length;
        }
        var elapsed = clock.Elapsed;
        var used = ThreadCpuTime() - cpu;
        if (found != lookups)
            throw new InvalidOperationException("a lookup missed");
        return (lookups / elapsed.TotalSeconds, lookups / used.TotalSeconds);
    }

    /// <summary>The calling thread's CPU time (user and system) from Linux's <c>/proc/thread-self/stat</c>, in 10 ms ticks.</summary>
    private static TimeSpan ThreadCpuTime()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) ": field 3 (state) onwards
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static async Task<(double Median, double P99)> TimeCallsAsync(int calls, Func<int, Task<int>> call)
    {
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call(i);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return (Stats.Quantile(samples, 0.5), Stats.Quantile(samples, 0.99));
    }

    private readonly record struct WriteRun(double Rate, double CpuMicros, TimeSpan Visible, TimeSpan After, GcUse Gc, double KeysPerMessage);

    /// <summary>What the writes allocated (bytes per write, in the whole process), the collections they caused, the GC's pause time per write and the JIT's compilation time per write.</summary>
    private readonly record struct GcUse(double BytesPerWrite, int Gen0, int Gen1, int Gen2, double PauseMicrosPerWrite, double JitMicrosPerWrite)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{BytesPerWrite / 1024:N1} KiB, GCs {Gen0}/{Gen1}/{Gen2}, pause {PauseMicrosPerWrite:N1} µs, JIT {JitMicrosPerWrite:N1} µs");
    }
}

/// <summary>A call the scenario's processes answer with its number.</summary>
[MessagePackObject]
public sealed record Ping([property: Key(0)] int N);

internal sealed class Pong : HordeProcess
{
    protected override ValueTask<object?> HandleCallAsync(object message) =>
        message is Ping ping ? Reply(ping.N) : Unhandled(message);
}
