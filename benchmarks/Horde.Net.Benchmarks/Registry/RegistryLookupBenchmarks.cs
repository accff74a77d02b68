using BenchmarkDotNet.Attributes;
using Horde.Net.Registry;

namespace Horde.Net.Benchmarks.Registry;

/// <summary>
/// Lookup of a name held by another node, on one thread (so Op/s is per core). Horde.Net: two nodes over gRPC on
/// loopback, <see cref="Names"/> names registered on node 0, looked up on node 1 (<see cref="HordeRegistry{TValue}.Lookup"/>:
/// a local read). Proto.Actor: two members over gRPC, <see cref="Names"/> identities activated on member 0, resolved on
/// member 1 by <c>Cluster.GetAsync</c> (its identity lookup: a request to the identity's owner), and by
/// <c>Cluster.GetIdentity</c> after a request has filled member 1's PID cache (its fastest read).
/// </summary>
[MemoryDiagnoser]
public class RegistryLookupBenchmarks
{
    /// <summary>Names (identities) registered, and lookups per invocation.</summary>
    public const int Names = 10_000;

    /// <summary>Proto's GetAsync is a round trip each: fewer per invocation.</summary>
    public const int ProtoGets = 1_000;

    private readonly string[] _keys = [.. Enumerable.Range(0, Names).Select(i => $"name-{i}")];
    private RegistryNodes? _horde;
    private ProtoIdentityCluster? _proto;

    /// <summary>Two Horde.Net nodes, the names registered on node 0 and visible on node 1.</summary>
    [GlobalSetup(Target = nameof(HordeNet))]
    public void SetupHorde() => _horde = RegistryNodes.StartAsync(_keys).GetAwaiter().GetResult();

    /// <summary>Stops the Horde.Net nodes.</summary>
    [GlobalCleanup(Target = nameof(HordeNet))]
    public void CleanupHorde() => _horde?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Two Proto.Actor members, the identities activated on member 0 and resolved once from member 1.</summary>
    [GlobalSetup(Targets = [nameof(ProtoGetAsync), nameof(ProtoCachedIdentity)])]
    public void SetupProto() => _proto = ProtoIdentityCluster.StartAsync(_keys).GetAwaiter().GetResult();

    /// <summary>Stops the Proto.Actor systems.</summary>
    [GlobalCleanup(Targets = [nameof(ProtoGetAsync), nameof(ProtoCachedIdentity)])]
    public void CleanupProto() => _proto?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Horde.Net: <c>Lookup(name)</c> on node 1 of names held by processes on node 0.</summary>
    [Benchmark(OperationsPerInvoke = Names)]
    public int HordeNet()
    {
        var registry = _horde!.Reader;
        var found = 0;
        foreach (var key in _keys)
        {
            if (registry.TryLookup(key, out _))
                found++;
        }
        return found == Names ? found : throw new InvalidOperationException($"only {found} of {Names} names found");
    }

    /// <summary>Proto.Actor 1.8.0: <c>Cluster.GetAsync(identity)</c> on member 1 (PartitionIdentityLookup).</summary>
    [Benchmark(OperationsPerInvoke = ProtoGets)]
    public async Task<int> ProtoGetAsync()
    {
        var cluster = _proto!.Client;
        var found = 0;
        for (var i = 0; i < ProtoGets; i++)
        {
            if (await cluster.GetAsync(_proto.Identities[i], CancellationToken.None) is not null)
                found++;
        }
        return found == ProtoGets ? found : throw new InvalidOperationException($"only {found} of {ProtoGets} identities found");
    }

    /// <summary>Proto.Actor 1.8.0: <c>Cluster.GetIdentity(identity, kind)</c> answered from member 1's PID cache.</summary>
    [Benchmark(OperationsPerInvoke = Names)]
    public int ProtoCachedIdentity()
    {
        var cluster = _proto!.Client;
        var found = 0;
        foreach (var key in _keys)
        {
            if (cluster.GetIdentity(key, ProtoIdentityCluster.Kind).CachedPid is not null)
                found++;
        }
        return found == Names ? found : throw new InvalidOperationException($"only {found} of {Names} identities cached");
    }
}
