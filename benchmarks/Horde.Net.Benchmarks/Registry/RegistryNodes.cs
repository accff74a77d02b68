using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Horde.Net.Cluster;
using Horde.Net.Registry;

namespace Horde.Net.Benchmarks.Registry;

/// <summary>Two Horde.Net nodes over gRPC on loopback, each running the registry <c>bench</c>; names held on node 0.</summary>
public sealed class RegistryNodes : IAsyncDisposable
{
    private readonly Node[] _nodes;

    private RegistryNodes(Node[] nodes, HordeRegistry<string> reader)
    {
        _nodes = nodes;
        Reader = reader;
    }

    /// <summary>Node 1's registry: it holds none of the names.</summary>
    public HordeRegistry<string> Reader { get; }

    /// <summary>Starts the nodes and registers <paramref name="names"/> on node 0 (to 100 holders), until node 1 sees them all.</summary>
    public static async Task<RegistryNodes> StartAsync(IReadOnlyList<string> names)
    {
        var nodes = new Node[2];
        for (var i = 0; i < nodes.Length; i++)
        {
            var options = new NodeOptions { Name = NodeName.Create($"lookup{i}", "127.0.0.1", FreePort()), Cookie = "bench" };
            options.MessageTypes.AddRegistry();
            nodes[i] = new Node(options);
            await nodes[i].ListenAsync();
        }
        await nodes[0].ConnectAsync(nodes[1].Name);
        var holder = await HordeRegistry.StartAsync(nodes[0], "bench");
        var reader = await HordeRegistry.StartAsync(nodes[1], "bench");
        await UntilAsync(() => holder.Names.Neighbours.Count == 1 && reader.Names.Neighbours.Count == 1);
        var holders = new Pid[100];
        for (var i = 0; i < holders.Length; i++)
            holders[i] = await nodes[0].StartAsync(() => new Holder());
        foreach (var chunk in names.Chunk(500)) // a bounded number in flight: on a loaded machine 10,000 at once time out
            await Task.WhenAll(chunk.Select((name, i) => holder.RegisterAsync(name, holders[i % holders.Length], "v")));
        await UntilAsync(() => reader.Count == names.Count);
        return new RegistryNodes(nodes, reader);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("the registry nodes did not converge in 30 s");
            await Task.Delay(5);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Holder : HordeProcess;
}
