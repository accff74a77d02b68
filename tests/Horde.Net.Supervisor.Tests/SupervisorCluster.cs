using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

/// <summary>Real nodes on loopback over gRPC, each running the supervisor "test" with the test kit's Counter as its child type.</summary>
internal sealed class SupervisorCluster : IAsyncDisposable
{
    public const string Name = "test";

    private SupervisorCluster(TestCluster nodes, List<HordeSupervisor> supervisors)
    {
        Nodes = nodes;
        Supervisors = supervisors;
    }

    public TestCluster Nodes { get; }

    public List<HordeSupervisor> Supervisors { get; }

    public HordeSupervisor this[int index] => Supervisors[index];

    public static async Task<SupervisorCluster> StartAsync(int count = 3, Action<HordeSupervisorOptions>? configure = null)
    {
        var nodes = await TestCluster.StartAsync(count, configure: o => o.MessageTypes.AddSupervisor());
        var supervisors = new List<HordeSupervisor>();
        foreach (var node in nodes.Nodes)
            supervisors.Add(await HordeSupervisor.StartAsync(node, Name, Options(configure)));
        var cluster = new SupervisorCluster(nodes, supervisors);
        await Eventually.TrueAsync(() => cluster.Supervisors.All(s => s.LiveMembers().Count == count),
            $"every supervisor sees {count} live members", TimeSpan.FromSeconds(15)); // a start-up bound: generous for a loaded machine
        return cluster;
    }

    public static HordeSupervisorOptions Options(Action<HordeSupervisorOptions>? configure = null)
    {
        var options = new HordeSupervisorOptions { TickInterval = TimeSpan.FromMilliseconds(50) };
        options.ChildTypes.Add<Counter>(factory: _ => new Counter());
        configure?.Invoke(options);
        return options;
    }

    public static HordeChildSpec Spec(string id) => HordeChildSpec.For<Counter>(id);

    /// <summary>The ids running on more than one of <paramref name="supervisors"/> right now.</summary>
    public static IReadOnlyList<string> Duplicates(IEnumerable<HordeSupervisor> supervisors) =>
        [.. supervisors.SelectMany(s => s.LocalChildren()).GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key)];

    public async ValueTask DisposeAsync() => await Nodes.DisposeAsync();
}
