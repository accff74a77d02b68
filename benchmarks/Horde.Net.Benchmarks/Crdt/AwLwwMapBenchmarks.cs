using BenchmarkDotNet.Attributes;
using Horde.Net.Crdt;

namespace Horde.Net.Benchmarks.Crdt;

/// <summary>The pure map: put, delete, delta join and full-state join at 1k, 10k, 100k keys (per-key figures).</summary>
[MemoryDiagnoser]
public class AwLwwMapBenchmarks
{
    private AwLwwMap<int, int> _map = null!;
    private AwLwwMap<int, int> _other = null!;
    private AwLwwMap<int, int> _target = null!;
    private KeyDelta<int, int>[] _deltas = [];
    private long _now = 1_700_000_000_000;

    /// <summary>Keys in the map.</summary>
    [Params(1_000, 10_000, 100_000)]
    public int Keys { get; set; }

    /// <summary>Fills the maps.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _map = Filled(1);
        _other = Filled(2);
        _deltas = [.. Enumerable.Range(0, Keys).Select(k => _other.Put(k, k + 1, _now))];
    }

    /// <summary>A fresh empty target for the joins, and a full map for delete.</summary>
    [IterationSetup(Targets = [nameof(DeltaJoin), nameof(FullStateJoin), nameof(Delete)])]
    public void FreshTarget()
    {
        _target = new AwLwwMap<int, int>(3, MessagePackKeyHasher<int>.Standard);
        _map = Filled(1);
    }

    /// <summary>Overwrites every key once, one put at a time.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public void Put()
    {
        var map = _map;
        var keys = Keys;
        for (var i = 0; i < 100_000; i++)
        {
            map.Put(i % keys, i, ++_now);
        }
    }

    /// <summary>Reads every key from the map itself (the replica serves reads from its concurrent view instead).</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public int Get()
    {
        var map = _map;
        var keys = Keys;
        var sum = 0;
        for (var i = 0; i < 100_000; i++)
        {
            map.TryGetValue(i % keys, out var v);
            sum += v;
        }

        return sum;
    }

    /// <summary>Deletes every key.</summary>
    [Benchmark]
    public void Delete()
    {
        for (var k = 0; k < Keys; k++)
        {
            _map.Remove(k);
        }
    }

    /// <summary>Applies one put delta per key from another replica into an empty map.</summary>
    [Benchmark]
    public void DeltaJoin()
    {
        foreach (var delta in _deltas)
        {
            _target.Apply(delta);
        }
    }

    /// <summary>Joins a whole map of <see cref="Keys"/> keys into an empty map.</summary>
    [Benchmark]
    public void FullStateJoin() => _target.Join(_other);

    private AwLwwMap<int, int> Filled(ulong id)
    {
        var map = new AwLwwMap<int, int>(id, MessagePackKeyHasher<int>.Standard);
        for (var k = 0; k < Keys; k++)
        {
            map.Put(k, k, _now);
        }

        return map;
    }
}
