using BenchmarkDotNet.Attributes;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Benchmarks.Crdt;

/// <summary>
/// The replica as a host uses it: put (state, hash tree, read view, diffs; with neighbours also the encoded
/// delta queued for each) and get from the lock-free read view, at 1k, 10k, 100k keys.
/// </summary>
[MemoryDiagnoser]
public class ReplicaBenchmarks
{
    private ReplicaCore<string, string> _replica = null!;
    private ReplicaCore<string, string> _withNeighbours = null!;
    private string[] _keys = [];
    private long _now = 1_700_000_000_000;

    /// <summary>Keys in the map.</summary>
    [Params(1_000, 10_000, 100_000)]
    public int Keys { get; set; }

    /// <summary>Fills the replicas.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _keys = [.. Enumerable.Range(0, Keys).Select(i => $"key-{i}")];
        _replica = Filled([]);
        _withNeighbours = Filled([2, 3, 4]);
    }

    /// <summary>Puts one key at a time, no neighbours.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public void Put()
    {
        for (var i = 0; i < 100_000; i++)
        {
            _replica.Put(_keys[i % _keys.Length], "value", ++_now);
        }
    }

    /// <summary>Puts one key at a time with three neighbours (delta encoded and queued; flushed every 1,000 puts).</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public void PutWithNeighbours()
    {
        for (var i = 0; i < 100_000; i++)
        {
            _withNeighbours.Put(_keys[i % _keys.Length], "value", ++_now);
            if (i % 1_000 == 999)
            {
                _withNeighbours.Flush(_now);
                AcknowledgeAll();
            }
        }
    }

    /// <summary>Reads one key at a time from the read view.</summary>
    [Benchmark(OperationsPerInvoke = 100_000)]
    public int Get()
    {
        var found = 0;
        for (var i = 0; i < 100_000; i++)
        {
            if (_replica.TryGetValue(_keys[i % _keys.Length], out _))
            {
                found++;
            }
        }

        return found;
    }

    private readonly AckingTransport _transport = new();

    private void AcknowledgeAll()
    {
        foreach (var (to, batch) in _transport.Drain())
        {
            _withNeighbours.OnMessage(to, new DeltaAck(batch.FirstSeq, batch.FirstSeq + (ulong)batch.Keys.Count - 1), _now);
        }
    }

    private ReplicaCore<string, string> Filled(ulong[] neighbours)
    {
        var replica = new ReplicaCore<string, string>(new ReplicaOptions { MaxOutboxKeys = 1_000_000 }, _transport, newReplicaId: 1);
        replica.SetNeighbours(neighbours, _now);
        foreach (var key in _keys)
        {
            replica.Put(key, "value", _now);
        }

        replica.Flush(_now);
        _transport.Drain();
        return replica;
    }

    private sealed class AckingTransport : ISyncTransport
    {
        private readonly List<(ulong To, DeltaBatch Batch)> _batches = [];

        public void Send(ulong to, SyncMessage message)
        {
            if (message is DeltaBatch batch)
            {
                _batches.Add((to, batch));
            }
        }

        public List<(ulong To, DeltaBatch Batch)> Drain()
        {
            var drained = _batches.ToList();
            _batches.Clear();
            return drained;
        }
    }
}
