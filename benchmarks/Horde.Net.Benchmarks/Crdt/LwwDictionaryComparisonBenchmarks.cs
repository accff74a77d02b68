using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using BenchmarkDotNet.Attributes;
using Horde.Net.Crdt;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Benchmarks.Crdt;

/// <summary>
/// Put and get, one key at a time, on Horde.Net's replica (as its process drives it: hash tree, view, diffs; no
/// neighbours) and on Akka.DistributedData's <c>LWWDictionary</c> (the data type a replicator holds; immutable, so
/// each put makes a new dictionary), string keys and values, in the same run.
/// </summary>
[MemoryDiagnoser]
public class LwwDictionaryComparisonBenchmarks
{
    private const int Operations = 10_000;
    private static readonly UniqueAddress Self = new(new Address("akka.tcp", "bench", "localhost", 2552), 1);

    private ReplicaCore<string, string> _replica = null!;
    private LWWDictionary<string, string> _akka = LWWDictionary<string, string>.Empty;
    private string[] _keys = [];
    private long _now = 1_700_000_000_000;

    /// <summary>Keys in the map.</summary>
    [Params(1_000, 100_000)]
    public int Keys { get; set; }

    /// <summary>Both maps filled with the same keys.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _keys = [.. Enumerable.Range(0, Keys).Select(i => $"key-{i:D6}")];
        _replica = new ReplicaCore<string, string>(new ReplicaOptions(), new NoNetwork(), newReplicaId: 1);
        _akka = LWWDictionary<string, string>.Empty;
        foreach (var key in _keys)
        {
            _replica.Put(key, "value", ++_now);
            _akka = _akka.SetItem(Self, key, "value").ResetDelta();
        }
    }

    /// <summary>Horde.Net replica put.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void HordePut()
    {
        for (var i = 0; i < Operations; i++)
        {
            _replica.Put(_keys[i % _keys.Length], "other", ++_now);
        }
    }

    /// <summary>Akka LWWDictionary put.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void AkkaPut()
    {
        var map = _akka;
        for (var i = 0; i < Operations; i++)
        {
            // The replicator resets the delta once it has shipped it; kept, it grows with every put.
            map = map.SetItem(Self, _keys[i % _keys.Length], "other").ResetDelta();
        }

        _akka = map;
    }

    /// <summary>Horde.Net replica get (its lock-free view).</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int HordeGet()
    {
        var found = 0;
        for (var i = 0; i < Operations; i++)
        {
            found += _replica.TryGetValue(_keys[i % _keys.Length], out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>Akka LWWDictionary get.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public int AkkaGet()
    {
        var found = 0;
        var map = _akka;
        for (var i = 0; i < Operations; i++)
        {
            found += map.TryGetValue(_keys[i % _keys.Length], out _) ? 1 : 0;
        }

        return found;
    }

    private sealed class NoNetwork : ISyncTransport
    {
        public void Send(ulong to, SyncMessage message)
        {
        }
    }
}
