using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Horde.Net.Scenarios.Net;

namespace Horde.Net.Scenarios.Convergence;

/// <summary>
/// One Akka.NET cluster node (its own ActorSystem, its own loopback TCP port) running
/// DistributedData, with a counting proxy in front that the node advertises as its address:
/// every byte any other node sends it, or it sends back on a connection dialed to it, is counted.
/// Default settings except the remote frame size limit, raised to 32 MiB (see the config).
/// </summary>
public sealed class AkkaDDataNode : IAsyncDisposable
{
    /// <summary>The replicated map every scenario uses.</summary>
    public static readonly LWWDictionaryKey<string, string> MapKey = new("map");

    private readonly ActorSystem _system;
    private readonly IActorRef _replicator;
    private readonly Akka.Cluster.Cluster _cluster;

    private AkkaDDataNode(ActorSystem system, CountingTcpProxy proxy)
    {
        _system = system;
        Proxy = proxy;
        _cluster = Akka.Cluster.Cluster.Get(system);
        _replicator = DistributedData.Get(system).Replicator;
    }

    /// <summary>The counter in front of this node.</summary>
    public CountingTcpProxy Proxy { get; }

    /// <summary>The address peers dial (the proxy's).</summary>
    public Address Address => _cluster.SelfAddress;

    /// <summary>Starts a node; it is not yet part of a cluster.</summary>
    public static AkkaDDataNode Start()
    {
        var ports = FreePorts.Take(2);
        var proxy = new CountingTcpProxy(ports[1], ports[0]);
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              remote.log-remote-lifecycle-events = off
              actor.provider = cluster
              # Teardown only: stop at once instead of leaving the cluster gracefully.
              coordinated-shutdown.run-by-actor-system-terminate = off
              remote.dot-netty.tcp {
                hostname = 127.0.0.1
                port = {{ports[0]}}
                public-hostname = 127.0.0.1
                public-port = {{ports[1]}}
                # The one non-default: the whole LWWDictionary travels as one message; at the
                # default 128,000-byte limit a map of 100k keys is discarded and never converges.
                maximum-frame-size = 33554432
              }
            }
            """);
        return new AkkaDDataNode(ActorSystem.Create("ddata", config), proxy);
    }

    /// <summary>Joins the cluster through <paramref name="seed"/>; completes when this node is Up.</summary>
    public Task JoinAsync(Address seed, CancellationToken cancel) => _cluster.JoinAsync(seed, cancel);

    /// <summary>Members this node sees as Up.</summary>
    public int UpMembers => _cluster.State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>Puts the entries into the map in one local update (WriteLocal: replication is the gossip's job).</summary>
    public async Task PutAsync(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var response = await _replicator.Ask<IUpdateResponse>(Dsl.Update(MapKey, LWWDictionary<string, string>.Empty, WriteLocal.Instance, map =>
        {
            foreach (var (key, value) in entries)
                map = map.SetItem(_cluster, key, value);
            return map;
        }), TimeSpan.FromSeconds(30));
        if (!response.IsSuccessful)
            throw new InvalidOperationException($"update failed: {response}");
    }

    /// <summary>
    /// This node's local replica of the map: empty when it has none yet, null when the replicator
    /// is too busy (merging) to answer within a second.
    /// </summary>
    public async Task<LWWDictionary<string, string>?> ReadLocalAsync()
    {
        try
        {
            var response = await _replicator.Ask<IGetResponse>(Dsl.Get(MapKey, ReadLocal.Instance), TimeSpan.FromSeconds(1));
            return response is GetSuccess success ? success.Get(MapKey) : LWWDictionary<string, string>.Empty;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _system.Terminate();
        await Proxy.DisposeAsync();
    }
}
