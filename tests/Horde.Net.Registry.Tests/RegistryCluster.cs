using Horde.Net.Registry;

namespace Horde.Net.Registry.Tests;

/// <summary>Real nodes on loopback over gRPC, each running the registry "test"; nothing wires them but the name.</summary>
internal sealed class RegistryCluster : IAsyncDisposable
{
    public const string Name = "test";

    private RegistryCluster(TestCluster nodes, List<HordeRegistry<string>> registries)
    {
        Nodes = nodes;
        Registries = registries;
    }

    public TestCluster Nodes { get; }

    public List<HordeRegistry<string>> Registries { get; }

    public HordeRegistry<string> this[int index] => Registries[index];

    public static async Task<RegistryCluster> StartAsync(int count = 3, RegistryOptions? options = null)
    {
        var nodes = await TestCluster.StartAsync(count, configure: o => o.MessageTypes.AddRegistry());
        var registries = new List<HordeRegistry<string>>();
        foreach (var node in nodes.Nodes)
            registries.Add(await HordeRegistry.StartAsync(node, Name, options));
        var cluster = new RegistryCluster(nodes, registries);
        await cluster.MeshedAsync();
        return cluster;
    }

    /// <summary>Waits until every registry's replica has every other as a neighbour.</summary>
    public Task MeshedAsync() =>
        Eventually.TrueAsync(() => Registries.All(r => r.Names.Neighbours.Count == Registries.Count - 1), "the registries know each other");

    /// <summary>A counter process on node <paramref name="index"/>.</summary>
    public Task<Pid> SpawnAsync(int index, int start = 0) => Nodes[index].StartAsync(() => new Counter(start));

    /// <summary>Waits until every registry's lookup of <paramref name="name"/> gives <paramref name="pid"/> (null: not registered).</summary>
    public Task EverywhereAsync(string name, Pid? pid, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => Registries.All(r => r.WhereIs(name) == pid),
            () => $"every node looks {name} up as {pid?.ToString() ?? "nothing"} (now {string.Join(", ", Registries.Select(r => r.WhereIs(name)?.ToString() ?? "-"))})",
            timeout ?? TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await Nodes.DisposeAsync();
}
