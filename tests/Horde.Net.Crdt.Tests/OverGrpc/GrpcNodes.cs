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
            var node = await TestCluster.StartNodeAsync($"crdt{i}", options => options.MessageTypes.AddCrdt());
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
                await TestCluster.ConnectAsync(Nodes[i], Nodes[j].Name);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
