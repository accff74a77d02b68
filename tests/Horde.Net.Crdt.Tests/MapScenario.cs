using Horde.Net.Crdt;

namespace Horde.Net.Crdt.Tests;

/// <summary>One operation on one replica of a generated scenario.</summary>
public sealed record MapOp(int Replica, bool IsPut, int Key, int Value, int ClockStep);

/// <summary>
/// Runs generated operations on several map replicas, shipping each delta to every other replica and delivering
/// the queue in a random order (with duplicates), and keeps the sequential model alongside: every put, and for
/// each operation the dots its replica could see for the key (the entries that operation supersedes).
/// </summary>
internal sealed class MapScenario
{
    private readonly Random _random;
    private readonly List<(int Target, KeyDelta<int, int> Delta)> _pending = [];
    private readonly List<(int Key, Entry<int> Entry)> _puts = [];
    private readonly HashSet<Dot> _superseded = [];
    private readonly long[] _wallClocks;

    public MapScenario(int replicas, int seed)
    {
        _random = new Random(seed);
        Maps = [.. Enumerable.Range(0, replicas).Select(i => new AwLwwMap<int, int>((ulong)(i + 1) * 0x1000_0001UL, MessagePackKeyHasher<int>.Standard))];
        Views = [.. Enumerable.Range(0, replicas).Select(_ => new Dictionary<int, int>())];
        _wallClocks = new long[replicas];
    }

    public AwLwwMap<int, int>[] Maps { get; }

    /// <summary>Per replica, the map rebuilt only from the diffs it emitted (what a subscriber sees).</summary>
    public Dictionary<int, int>[] Views { get; }

    public IReadOnlyList<(int Target, KeyDelta<int, int> Delta)> Pending => _pending;

    public void Run(IEnumerable<MapOp> ops, double deliverProbability)
    {
        foreach (var op in ops)
        {
            Execute(op);
            while (_pending.Count > 0 && _random.NextDouble() < deliverProbability)
            {
                DeliverOne();
            }
        }
    }

    public void Execute(MapOp op)
    {
        var map = Maps[op.Replica];
        foreach (var entry in map.EntriesOf(op.Key))
        {
            _superseded.Add(entry.Dot);
        }

        // Wall clocks wander independently, sometimes backwards, to exercise the HLC.
        _wallClocks[op.Replica] += op.ClockStep - 2;
        var diffs = new List<Diff<int, int>>();
        KeyDelta<int, int>? delta;
        if (op.IsPut)
        {
            delta = map.Put(op.Key, op.Value, _wallClocks[op.Replica], diffs);
            _puts.Add((op.Key, delta.Entries[0]));
        }
        else
        {
            delta = map.Remove(op.Key, diffs);
        }

        Replay(op.Replica, diffs);
        if (delta is not null)
        {
            for (var target = 0; target < Maps.Length; target++)
            {
                if (target != op.Replica)
                {
                    _pending.Add((target, delta));
                }
            }
        }
    }

    public void DeliverOne()
    {
        var index = _random.Next(_pending.Count);
        var (target, delta) = _pending[index];
        var diffs = new List<Diff<int, int>>();
        Maps[target].Apply(delta, diffs);
        Replay(target, diffs);
        if (_random.Next(10) != 0)
        {
            // One time in ten the message is duplicated: it stays queued.
            _pending.RemoveAt(index);
        }
    }

    public void DeliverAll()
    {
        while (_pending.Count > 0)
        {
            var index = _random.Next(_pending.Count);
            var (target, delta) = _pending[index];
            _pending.RemoveAt(index);
            var diffs = new List<Diff<int, int>>();
            Maps[target].Apply(delta, diffs);
            Replay(target, diffs);
        }
    }

    /// <summary>What the writes imply: per key, the newest put no operation superseded.</summary>
    public Dictionary<int, int> Model()
    {
        var model = new Dictionary<int, (HlcTimestamp Timestamp, int Value)>();
        foreach (var (key, entry) in _puts)
        {
            if (_superseded.Contains(entry.Dot))
            {
                continue;
            }

            if (!model.TryGetValue(key, out var best) || entry.Timestamp > best.Timestamp)
            {
                model[key] = (entry.Timestamp, entry.Value);
            }
        }

        return model.ToDictionary(p => p.Key, p => p.Value.Value);
    }

    private void Replay(int replica, List<Diff<int, int>> diffs)
    {
        foreach (var diff in diffs)
        {
            if (diff.Kind == DiffKind.Add)
            {
                Views[replica][diff.Key] = diff.Value;
            }
            else
            {
                Assert.True(Views[replica].Remove(diff.Key), $"remove diff for absent key {diff.Key}");
            }
        }
    }
}
