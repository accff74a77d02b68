using System.Diagnostics;
using System.Globalization;
using System.Text;
using Horde.Net.Cluster;
using Horde.Net.Registry;
using MessagePack;

namespace Horde.Net.Scenarios.Registry;

/// <summary>
/// The registry's figures on three real nodes over gRPC on loopback (in this OS process): register N names on one node
/// (registers/s, and the time until all are visible on the other two), lookups on another node of names held by the
/// first (per second, one thread), and a call by name across nodes against a call by pid.
/// </summary>
public static class RegistryScenario
{
    private const string Cookie = "scenario-cookie";

    public static async Task<string> RunAsync(int names, int calls, TimeSpan lookupFor, int inFlight)
    {
        var nodes = new List<Node>();
        var registries = new List<HordeRegistry<string>>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var options = new NodeOptions { Name = NodeName.Create($"reg{i}", "127.0.0.1", FreePort()), Cookie = Cookie };
                options.MessageTypes.AddRegistry().Add<Ping>();
                var node = new Node(options);
                await node.ListenAsync();
                nodes.Add(node);
            }
            for (var i = 0; i < 3; i++)
                for (var j = i + 1; j < 3; j++)
                    await nodes[i].ConnectAsync(nodes[j].Name);
            foreach (var node in nodes)
                registries.Add(await HordeRegistry.StartAsync(node, "bench"));
            await UntilAsync(() => registries.All(r => r.Names.Neighbours.Count == 2), TimeSpan.FromSeconds(10));

            var holders = new List<Pid>();
            for (var i = 0; i < 100; i++)
                holders.Add(await nodes[0].StartAsync(() => new Pong()));
            var keys = Enumerable.Range(0, names).Select(i => $"name-{i}").ToArray();

            // Registers, inFlight at a time (each waits for both peers' acknowledgement before it answers).
            using var window = new SemaphoreSlim(inFlight);
            var clock = Stopwatch.StartNew();
            var results = await Task.WhenAll(keys.Select(async (key, i) =>
            {
                await window.WaitAsync();
                try
                {
                    return await registries[0].RegisterAsync(key, holders[i % holders.Count], "v");
                }
                finally
                {
                    window.Release();
                }
            }));
            var registered = clock.Elapsed;
            await UntilAsync(() => registries[1].Count == names && registries[2].Count == names, TimeSpan.FromSeconds(30));
            var visible = clock.Elapsed;
            if (results.Any(r => !r.IsRegistered))
                throw new InvalidOperationException("a register was refused");

            // Lookups on node 1 of names held on node 0, one thread.
            var lookups = 0L;
            var found = 0L;
            var lookupClock = Stopwatch.StartNew();
            var reader = registries[1];
            while (lookupClock.Elapsed < lookupFor)
            {
                for (var i = 0; i < keys.Length; i++)
                {
                    if (reader.Lookup(keys[i]) is not null)
                        found++;
                }
                lookups += keys.Length;
            }
            var lookupRate = lookups / lookupClock.Elapsed.TotalSeconds;
            if (found != lookups)
                throw new InvalidOperationException("a lookup missed");

            // A call from node 1 to a process on node 0: by pid, then by name (sequential, after warm-up).
            var target = reader.WhereIs(keys[0])!;
            for (var i = 0; i < 500; i++)
            {
                await target.CallAsync<int>(new Ping(i));
                await reader.CallAsync<int>(keys[0], new Ping(i));
            }
            var byPid = await TimeCallsAsync(calls, i => target.CallAsync<int>(new Ping(i)).AsTask());
            var byName = await TimeCallsAsync(calls, i => reader.CallAsync<int>(keys[0], new Ping(i)));

            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture, $"Registry, three nodes over gRPC on loopback in one OS process; {names:N0} names registered on one node, {inFlight:N0} in flight at a time.");
            table.AppendLine();
            table.AppendLine("| work | Horde.Net |");
            table.AppendLine("|---|---|");
            table.AppendLine(CultureInfo.InvariantCulture, $"| register {names:N0} names: registers/s | {names / registered.TotalSeconds:N0}/s ({registered.TotalMilliseconds:N0} ms) |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| … all visible on both other nodes, from the first register / after the last returned | {visible.TotalMilliseconds:N0} ms / {(visible - registered).TotalMilliseconds:N1} ms |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| lookup of a name held by another node, one thread | {lookupRate / 1e6:N1}M/s |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| call across nodes by pid, median / p99 | {byPid.Median:N0} / {byPid.P99:N0} µs |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| call across nodes by name, median / p99 | {byName.Median:N0} / {byName.P99:N0} µs |");
            return table.ToString();
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
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

    private static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException("the registry scenario did not converge");
            await Task.Delay(1);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
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
