using System.Diagnostics;
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Horde.Net.Registry;
using Horde.Net.Scenarios.Net;

namespace Horde.Net.Scenarios.Registry;

/// <summary>
/// Three Horde.Net nodes over gRPC on loopback in this OS process, every pair connected, each running the registry
/// <c>bench</c> and a bare replica <c>bench.raw</c> of the registry's own entry type (the baseline: the same writes
/// without the registry layer), with 100 holder processes on node 0.
/// </summary>
public sealed class RegistryCluster : IAsyncDisposable
{
    private readonly List<Node> _nodes;

    private RegistryCluster(List<Node> nodes, List<HordeRegistry<string>> registries,
        List<Replica<string, RegistryEntry<string>>> raw, Pid[] holders)
    {
        _nodes = nodes;
        Registries = registries;
        Raw = raw;
        Holders = holders;
    }

    /// <summary>The registries, by node.</summary>
    public IReadOnlyList<HordeRegistry<string>> Registries { get; }

    /// <summary>The bare replicas, by node.</summary>
    public IReadOnlyList<Replica<string, RegistryEntry<string>>> Raw { get; }

    /// <summary>Processes on node 0 that hold the names.</summary>
    public Pid[] Holders { get; }

    /// <summary>Starts the nodes, connects them, starts the registries and replicas, and waits until each has its two neighbours.</summary>
    public static async Task<RegistryCluster> StartAsync()
    {
        var nodes = await LoopbackMesh.StartAsync("reg", 3, options => options.MessageTypes.AddRegistry().Add<Ping>());
        var registries = new List<HordeRegistry<string>>();
        var raw = new List<Replica<string, RegistryEntry<string>>>();
        foreach (var node in nodes)
        {
            registries.Add(await HordeRegistry.StartAsync(node, "bench"));
            raw.Add(await Replica<string, RegistryEntry<string>>.StartAsync(node, "bench.raw"));
        }
        await UntilAsync(() => registries.All(r => r.Names.Neighbours.Count == 2) && raw.All(r => r.Neighbours.Count == 2), TimeSpan.FromSeconds(10));
        var holders = new Pid[100];
        for (var i = 0; i < holders.Length; i++)
            holders[i] = await nodes[0].StartAsync(() => new Pong());
        return new RegistryCluster(nodes, registries, raw, holders);
    }

    /// <summary>Polls <paramref name="condition"/> every millisecond until it holds.</summary>
    /// <exception cref="TimeoutException">It did not within <paramref name="timeout"/>.</exception>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException("the registry scenario did not converge");
            await Task.Delay(1);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
    }
}
