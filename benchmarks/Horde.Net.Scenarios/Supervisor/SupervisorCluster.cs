using Horde.Net.Cluster;
using Horde.Net.Registry;
using Horde.Net.Scenarios.Net;
using Horde.Net.Supervisor;

namespace Horde.Net.Scenarios.Supervisor;

/// <summary>
/// Three Horde.Net nodes over gRPC on loopback in this OS process, every pair connected, each running the supervisor
/// <c>bench</c> with <see cref="Slot"/> as its child type. Heartbeats every 200 ms, a node is down after 3 s of silence
/// (as the test kit's nodes: quick to notice a cut node, yet not flapping on this loaded machine).
/// </summary>
public sealed class SupervisorCluster : IAsyncDisposable
{
    private SupervisorCluster(List<Node> nodes, List<HordeSupervisor> supervisors)
    {
        Nodes = nodes;
        Supervisors = supervisors;
    }

    /// <summary>The nodes.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Their supervisors, by node.</summary>
    public IReadOnlyList<HordeSupervisor> Supervisors { get; }

    /// <summary>Starts the nodes and supervisors and waits until every supervisor sees three live members.</summary>
    public static async Task<SupervisorCluster> StartAsync()
    {
        var nodes = await LoopbackMesh.StartAsync("sup", 3, options =>
        {
            options.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
            options.FailureThreshold = TimeSpan.FromSeconds(3);
            options.MessageTypes.AddSupervisor().Add<Fill>().Add<Check>();
        });
        var supervisors = new List<HordeSupervisor>();
        foreach (var node in nodes)
        {
            var options = new HordeSupervisorOptions();
            options.ChildTypes.Add<Slot>(factory: _ => new Slot());
            supervisors.Add(await HordeSupervisor.StartAsync(node, "bench", options));
        }
        await Registry.RegistryCluster.UntilAsync(() => supervisors.All(s => s.LiveMembers().Count == 3), TimeSpan.FromSeconds(60));
        return new SupervisorCluster(nodes, supervisors);
    }

    /// <summary>Cuts node <paramref name="index"/> off from the others both ways (what a kill -9 looks like to them).</summary>
    public void Cut(int index)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (i == index)
                continue;
            Nodes[i].Faults!.Block(Nodes[index].Name);
            Nodes[index].Faults!.Block(Nodes[i].Name);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Faults?.Heal();
            await node.DisposeAsync();
        }
    }
}
