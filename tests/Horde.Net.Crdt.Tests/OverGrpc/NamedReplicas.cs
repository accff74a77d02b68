using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests.OverGrpc;

/// <summary>Real nodes on loopback, each with the named replica "test.map"; nothing wires the replicas but their name.</summary>
internal sealed class NamedReplicas : IAsyncDisposable
{
    public const string Name = "test.map";

    public List<Node> Nodes { get; } = [];

    public List<Replica<string, string>> Replicas { get; } = [];

    public static async Task<NamedReplicas> StartAsync(int count, bool connect = true, Action<NodeOptions>? node = null, ReplicaOptions? replica = null)
    {
        var cluster = new NamedReplicas();
        for (var i = 0; i < count; i++)
            await cluster.AddAsync(node, replica);
        if (connect)
            await cluster.ConnectAllAsync();
        return cluster;
    }

    public async Task<Replica<string, string>> AddAsync(Action<NodeOptions>? configure = null, ReplicaOptions? options = null)
    {
        var node = await TestCluster.StartNodeAsync($"named{Nodes.Count}", o =>
        {
            o.MessageTypes.AddCrdt();
            configure?.Invoke(o);
        });
        Nodes.Add(node);
        var replica = await Replica<string, string>.StartAsync(node, Name, options);
        Replicas.Add(replica);
        return replica;
    }

    public async Task ConnectAllAsync()
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            for (var j = i + 1; j < Nodes.Count; j++)
                await TestCluster.ConnectAsync(Nodes[i], Nodes[j].Name);
        }
    }

    /// <summary>Waits until every replica reads <paramref name="value"/> for <paramref name="key"/>.</summary>
    public Task EverywhereAsync(string key, string value, IEnumerable<Replica<string, string>>? replicas = null) =>
        Eventually.TrueAsync(
            () => (replicas ?? Replicas).All(r => r.TryGetValue(key, out var v) && v == value),
            $"every replica reads {key} = {value}",
            TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
