using System.Net;
using System.Net.Sockets;
using Proto;
using Proto.Cluster;
using Proto.Cluster.Partition;
using Proto.Cluster.Seed;
using Proto.Remote;
using Proto.Remote.GrpcNet;

namespace Horde.Net.Benchmarks.Registry;

/// <summary>
/// Proto.Actor 1.8.0: two cluster members over gRPC on loopback (seed-node provider), with the partition identity
/// lookup; only member 0 hosts the kind, so every activation is held by member 0 and looked up from member 1. (The
/// seed provider's client mode does not connect in 1.8.0, so member 1 is a member without the kind.) The identity
/// owners are spread over both members by Proto's hash: a lookup is a request to the owner, local or remote.
/// </summary>
public sealed class ProtoIdentityCluster : IAsyncDisposable
{
    /// <summary>The cluster kind of the activations.</summary>
    public const string Kind = "holder";

    private readonly ActorSystem _member;
    private readonly ActorSystem _client;

    private ProtoIdentityCluster(ActorSystem member, ActorSystem client, ClusterIdentity[] identities)
    {
        _member = member;
        _client = client;
        Identities = identities;
    }

    /// <summary>Member 1's cluster (the reader).</summary>
    public Proto.Cluster.Cluster Client => _client.Cluster();

    /// <summary>The identities, in order of the names.</summary>
    public ClusterIdentity[] Identities { get; }

    /// <summary>Starts both members and activates every identity from member 1 (with a request, so its PID cache holds each).</summary>
    public static async Task<ProtoIdentityCluster> StartAsync(IReadOnlyList<string> names)
    {
        var memberPort = FreePort();
        var member = System(memberPort, FixedServerSeedNode.StartSeedNode(), withKind: true);
        await member.Cluster().StartMemberAsync();
        var client = System(FreePort(), FixedServerSeedNode.JoinSeedNode("127.0.0.1", memberPort), withKind: false);
        await client.Cluster().StartMemberAsync();
        var identities = names.Select(n => ClusterIdentity.Create(n, Kind)).ToArray();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var chunk in identities.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(id =>
                client.Cluster().RequestAsync<Touched>(id, new Touch(), client.Root, timeout.Token)));
        }
        return new ProtoIdentityCluster(member, client, identities);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _client.Cluster().ShutdownAsync();
        await _member.Cluster().ShutdownAsync();
    }

    private static ActorSystem System(int port, IClusterProvider provider, bool withKind)
    {
        var config = ClusterConfig.Setup("bench", provider, new PartitionIdentityLookup());
        if (withKind)
            config = config.WithClusterKind(Kind, Props.FromFunc(_ => Task.CompletedTask));
        return new ActorSystem(ActorSystemConfig.Setup())
            .WithRemote(RemoteConfig.BindToLocalhost(port))
            .WithCluster(config);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
