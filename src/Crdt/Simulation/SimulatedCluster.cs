using Horde.Net.Crdt.Storage;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Simulation;

/// <summary>
/// Replicas (the real <see cref="ReplicaCore{TKey, TValue}"/>) on a <see cref="SimulatedNetwork"/> with simulated
/// time: ticks every <see cref="TickMs"/>, neighbours from <see cref="SparseTopology"/> (or a full mesh).
/// Deterministic for a given seed.
/// </summary>
internal sealed class SimulatedCluster<TKey, TValue>
    where TKey : notnull
{
    private readonly Random _random;
    private readonly ReplicaOptions _options;
    private long _nextTickMs;

    public SimulatedCluster(int seed, ReplicaOptions options, bool fullMesh = false, long startMs = 1_700_000_000_000)
    {
        _random = new Random(seed);
        _options = options;
        FullMesh = fullMesh;
        Network = new SimulatedNetwork(seed) { NowMs = startMs };
        _nextTickMs = startMs;
    }

    public SimulatedNetwork Network { get; }

    public bool FullMesh { get; }

    public int TickMs { get; init; } = 20;

    public long NowMs => Network.NowMs;

    /// <summary>Live replicas; a restarted replica takes its slot (possibly under a new id).</summary>
    public List<ReplicaCore<TKey, TValue>> Replicas { get; } = [];

    public List<InMemoryReplicaStorage?> Storages { get; } = [];

    public ReplicaCore<TKey, TValue> Add(bool withStorage = false, bool updateTopology = true)
    {
        var storage = withStorage ? new InMemoryReplicaStorage() : null;
        var replica = Create(storage);
        Replicas.Add(replica);
        Storages.Add(storage);
        if (updateTopology)
        {
            UpdateTopology();
        }

        return replica;
    }

    /// <summary>Stops replica <paramref name="index"/> (crash: no close) and starts a new incarnation from its storage, if any.</summary>
    public ReplicaCore<TKey, TValue> Crash(int index, bool keepStorage)
    {
        Network.Detach(Replicas[index].ReplicaId);
        var storage = keepStorage ? Storages[index] : null;
        Storages[index] = storage;
        return Start(index, storage);
    }

    /// <summary>Closes replica <paramref name="index"/> gracefully and starts it again from its storage.</summary>
    public ReplicaCore<TKey, TValue> Restart(int index)
    {
        var storage = Storages[index] ?? throw new InvalidOperationException("Graceful restart needs storage.");
        Replicas[index].Close(NowMs);
        Network.Detach(Replicas[index].ReplicaId);
        return Start(index, storage);
    }

    public void UpdateTopology()
    {
        var ids = Replicas.Select(r => r.ReplicaId).ToArray();
        foreach (var replica in Replicas)
        {
            replica.SetNeighbours(FullMesh ? ids : SparseTopology.Neighbours(replica.ReplicaId, ids), NowMs);
        }
    }

    /// <summary>Flushes every replica's queued deltas.</summary>
    public void Flush()
    {
        foreach (var replica in Replicas)
        {
            replica.Flush(NowMs);
        }
    }

    /// <summary>Advances simulated time by <paramref name="ms"/>, delivering messages and ticking replicas.</summary>
    public void Run(long ms) => RunUntil(NowMs + ms, () => false);

    /// <summary>Advances time until <paramref name="done"/> holds (checked after each step) or <paramref name="untilMs"/>; returns whether it held.</summary>
    public bool RunUntil(long untilMs, Func<bool> done)
    {
        while (true)
        {
            if (done())
            {
                return true;
            }

            var next = Math.Min(_nextTickMs, Network.NextDeliveryMs ?? long.MaxValue);
            if (next > untilMs)
            {
                Network.NowMs = untilMs;
                return done();
            }

            Network.NowMs = Math.Max(Network.NowMs, next);
            Network.DeliverDue();
            if (Network.NowMs >= _nextTickMs)
            {
                foreach (var replica in Replicas)
                {
                    replica.OnTick(NowMs);
                }

                _nextTickMs = NowMs + TickMs;
            }
        }
    }

    /// <summary>Whether every replica holds the same entries (equal hash-tree roots).</summary>
    public bool Converged()
    {
        var root = Replicas[0].RootHash;
        return Replicas.All(r => r.RootHash == root);
    }

    private ReplicaCore<TKey, TValue> Start(int index, InMemoryReplicaStorage? storage)
    {
        var replica = Create(storage);
        Replicas[index] = replica;
        UpdateTopology();
        return replica;
    }

    private ReplicaCore<TKey, TValue> Create(IReplicaStorage? storage)
    {
        var id = (ulong)_random.NextInt64(1, long.MaxValue);
        ReplicaCore<TKey, TValue>? replica = null;
        replica = new ReplicaCore<TKey, TValue>(_options, new DeferredTransport(this, () => replica!.ReplicaId), storage, id);
        Network.Attach(replica.ReplicaId, replica.OnMessage);
        return replica;
    }

    private sealed class DeferredTransport(SimulatedCluster<TKey, TValue> cluster, Func<ulong> self) : ISyncTransport
    {
        public void Send(ulong to, SyncMessage message) => cluster.Network.Send(self(), to, message);
    }
}
