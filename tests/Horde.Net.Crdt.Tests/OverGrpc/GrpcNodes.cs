using System.Net;
using System.Net.Sockets;
using Horde.Net.Cluster;

namespace Horde.Net.Crdt.Tests.OverGrpc;

/// <summary>Real nodes on loopback ports, connected pairwise, each with one replica of the same map.</summary>
internal sealed class GrpcNodes : IAsyncDisposable
{
    private GrpcNodes(List<Node> nodes, List<Replica<string, string>> replicas)
    {
        Nodes = nodes;
        Replicas = replicas;
    }

    public List<Node> Nodes { get; }

    public List<Replica<string, string>> Replicas { get; }

    public static async Task<GrpcNodes> StartAsync(int count)
    {
        var nodes = new List<Node>();
        var replicas = new List<Replica<string, string>>();
        for (var i = 0; i < count; i++)
        {
            var options = new NodeOptions
            {
                Name = NodeName.Create($"crdt{i}", "127.0.0.1", FreePort()),
                Cookie = "crdt-tests",
                HeartbeatInterval = TimeSpan.FromMilliseconds(200),
                FailureThreshold = TimeSpan.FromSeconds(1),
            };
            options.MessageTypes.AddCrdt();
            var node = new Node(options);
            await node.ListenAsync();
            nodes.Add(node);
            replicas.Add(await Replica<string, string>.StartAsync(node));
        }
        var cluster = new GrpcNodes(nodes, replicas);
        await cluster.ConnectAsync();
        for (var i = 0; i < count; i++)
            await replicas[i].SetNeighboursAsync(replicas.Select(r => nodes[i].Resolve(r.Pid)));
        return cluster;
    }

    public async Task ConnectAsync()
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            for (var j = i + 1; j < Nodes.Count; j++)
                Assert.True(await Nodes[i].ConnectAsync(Nodes[j].Name), $"{Nodes[i].Name} could not connect to {Nodes[j].Name}");
        }
    }

    /// <summary>Waits (bounded) until every replica holds exactly <paramref name="expected"/>.</summary>
    public async Task ConvergedAsync(IReadOnlyDictionary<string, string> expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var states = Replicas.Select(r => r.ToDictionary()).ToList();
            if (states.All(s => s.Count == expected.Count && expected.All(e => s.TryGetValue(e.Key, out var v) && v == e.Value)))
                return;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException(
                    $"Replicas did not converge within {timeout.TotalSeconds:0} s: expected {expected.Count} keys, have {string.Join(", ", states.Select(s => s.Count))}.");
            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
