using CsCheck;
using Horde.Net.Crdt.Simulation;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

public class SyncProperties
{
    /// <summary>One step of a generated run: a write, a delete, time passing, or a restart.</summary>
    public sealed record Step(int Kind, int Replica, int Key, int Value, int Ms);

    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 20], Gen.Int[0, 3], Gen.Int[0, 11], Gen.Int[0, 999], Gen.Int[1, 300])
            .Select((kind, replica, key, value, ms) => new Step(kind, replica, key, value, ms));

    [Fact]
    public void After_any_faults_and_restarts_every_replica_holds_the_map_the_writes_imply() =>
        Gen.Select(StepGen.Array[1, 60], Gen.Int, Gen.Int[1, 4]).Sample((steps, seed, maxSyncSize) =>
        {
            // Pushes into a replica restarted empty may carry MaxBulkSyncSize keys; every other message MaxSyncSize.
            var options = new ReplicaOptions { MaxSyncSize = maxSyncSize, MaxBulkSyncSize = maxSyncSize + 2, MaxRangesPerPush = 2, PersistDelay = TimeSpan.FromMilliseconds(100) };
            var cluster = new SimulatedCluster<int, int>(seed, options);
            for (var i = 0; i < 4; i++)
            {
                cluster.Add(withStorage: i % 2 == 0);
            }

            var faults = new NetworkFaults(LatencyMs: 1, JitterMs: 20, DropProbability: 0.2, DuplicateProbability: 0.1);
            cluster.Network.Faults = faults;
            var model = new WriteModel();

            foreach (var step in steps)
            {
                var replica = cluster.Replicas[step.Replica];
                switch (step.Kind)
                {
                    case <= 9:
                        model.BeforeWrite(replica, step.Key);
                        replica.Put(step.Key, step.Value, cluster.NowMs);
                        model.AfterPut(replica, step.Key);
                        replica.Flush(cluster.NowMs);
                        break;
                    case <= 13:
                        model.BeforeWrite(replica, step.Key);
                        replica.Delete(step.Key);
                        replica.Flush(cluster.NowMs);
                        break;
                    case <= 18:
                        cluster.Run(step.Ms);
                        break;
                    case 19:
                        // Graceful restart: the final snapshot keeps the replica id and everything written.
                        if (cluster.Storages[step.Replica] is not null)
                        {
                            cluster.Restart(step.Replica);
                        }

                        break;
                    default:
                        // A crash loses what only the crashed replica knew; the model cannot know what that was,
                        // so crashes happen once the network has carried everything (the snapshot may still be stale).
                        cluster.Network.Faults = NetworkFaults.None;
                        Assert.True(
                            cluster.RunUntil(cluster.NowMs + 60_000, () => cluster.Converged() && cluster.Replicas.All(r => r.OutstandingDeltas == 0)),
                            "no quiet moment before a crash");
                        var oldId = replica.ReplicaId;
                        var restarted = cluster.Crash(step.Replica, keepStorage: step.Value % 2 == 0);
                        Assert.NotEqual(oldId, restarted.ReplicaId);
                        cluster.Network.Faults = faults;
                        break;
                }
            }

            cluster.Network.Faults = NetworkFaults.None;
            var expected = model.Expected().OrderBy(p => p.Key).ToList();
            var converged = cluster.RunUntil(
                cluster.NowMs + 120_000,
                () => cluster.Converged() && cluster.Replicas.All(r => r.ToDictionary().OrderBy(p => p.Key).SequenceEqual(expected)));
            Assert.True(converged, $"not converged: expected {string.Join(",", expected)}; got {string.Join(" | ", cluster.Replicas.Select(r => string.Join(",", r.ToDictionary().OrderBy(p => p.Key))))}");
            Assert.Equal(0, cluster.Network.Malformed);
            Assert.True(cluster.Network.MaxKeysPerMessage <= maxSyncSize + 2);
            Assert.True(cluster.Network.MaxKeysByKind.Where(k => k.Key != nameof(RangePush)).All(k => k.Value <= maxSyncSize), string.Join(", ", cluster.Network.MaxKeysByKind));
        }, iter: 60, threads: 1);

    /// <summary>What the writes imply: every put not superseded by a later write or delete that saw it; newest timestamp wins.</summary>
    private sealed class WriteModel
    {
        private readonly List<(int Key, Entry<int> Entry)> _puts = [];
        private readonly HashSet<Dot> _superseded = [];

        public void BeforeWrite(ReplicaCore<int, int> replica, int key)
        {
            foreach (var entry in replica.Map.EntriesOf(key))
            {
                _superseded.Add(entry.Dot);
            }
        }

        public void AfterPut(ReplicaCore<int, int> replica, int key) =>
            _puts.Add((key, replica.Map.EntriesOf(key).Single()));

        public Dictionary<int, int> Expected()
        {
            var best = new Dictionary<int, Entry<int>>();
            foreach (var (key, entry) in _puts)
            {
                if (!_superseded.Contains(entry.Dot) && (!best.TryGetValue(key, out var current) || entry.Timestamp > current.Timestamp))
                {
                    best[key] = entry;
                }
            }

            return best.ToDictionary(p => p.Key, p => p.Value.Value);
        }
    }
}
