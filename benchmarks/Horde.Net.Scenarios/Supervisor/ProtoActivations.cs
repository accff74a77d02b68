using System.Diagnostics;
using Horde.Net.Scenarios.Net;
using Horde.Net.Scenarios.Registry;
using Proto;
using Proto.Cluster;
using Proto.Cluster.Partition;
using Proto.Cluster.Seed;
using Proto.Remote;
using Proto.Remote.GrpcNet;

namespace Horde.Net.Scenarios.Supervisor;

/// <summary>
/// Proto.Actor 1.8.0's peer of starting children: three cluster members over gRPC on loopback in this OS process
/// (seed-node provider, partition identity lookup, the kind on every member), each activating a third of the identities
/// by a request (<c>Touch</c>, answered by the activation), the same number in flight per member as Horde.Net's starts.
/// </summary>
public static class ProtoActivations
{
    private const string Kind = "slot";

    /// <summary>Activations per second until every request was answered, after a warm-up of 300.</summary>
    public static async Task<double> RunAsync(string[] ids, int inFlight)
    {
        var ports = FreePorts.Take(3);
        var systems = new List<ActorSystem>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var provider = i == 0 ? FixedServerSeedNode.StartSeedNode() : FixedServerSeedNode.JoinSeedNode("127.0.0.1", ports[0]);
                var config = ClusterConfig.Setup("bench", provider, new PartitionIdentityLookup())
                    .WithClusterKind(Kind, Props.FromFunc(_ => Task.CompletedTask));
                var system = new ActorSystem(ActorSystemConfig.Setup()).WithRemote(RemoteConfig.BindToLocalhost(ports[i])).WithCluster(config);
                await system.Cluster().StartMemberAsync();
                systems.Add(system);
            }
            await RegistryCluster.UntilAsync(() => systems.All(s => s.Cluster().MemberList.GetAllMembers().Length == 3), TimeSpan.FromSeconds(30));
            await ActivateAsync(systems, [.. Enumerable.Range(0, 300).Select(i => $"warm-{i}")], inFlight);
            var clock = Stopwatch.StartNew();
            await ActivateAsync(systems, ids, inFlight);
            return ids.Length / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var system in systems)
                await system.Cluster().ShutdownAsync();
        }
    }

    private static Task ActivateAsync(List<ActorSystem> systems, string[] ids, int inFlight) =>
        Task.WhenAll(systems.Select(async (system, n) =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Windowed.RunAsync(ids.Where((_, i) => i % systems.Count == n), inFlight, (id, _) =>
                system.Cluster().RequestAsync<Touched>(ClusterIdentity.Create(id, Kind), new Touch(), system.Root, timeout.Token));
        }));
}
