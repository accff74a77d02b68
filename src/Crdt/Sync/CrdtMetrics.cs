using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// The CRDT's instruments, on one meter "Horde.Net.Crdt" per meter factory (the node's, so a host's OpenTelemetry
/// or test collector sees them), or on a meter of its own when there is no factory. Shared by every replica of
/// that factory: a factory hands out one meter per name, and instruments created twice would be reported twice.
/// </summary>
internal sealed class CrdtMetrics
{
    public const string MeterName = "Horde.Net.Crdt";

    private static readonly ConditionalWeakTable<IMeterFactory, CrdtMetrics> ByFactory = [];
    private static readonly Lazy<CrdtMetrics> Own = new(() => new CrdtMetrics(new Meter(MeterName)));

    // The running replicas, for the size gauge, by name and node: a restarted replica takes its predecessor's place.
    private readonly ConcurrentDictionary<(string Replica, string Node), Func<int>> _sizes = new();

    private CrdtMetrics(Meter meter)
    {
        meter.CreateObservableGauge("horde.crdt.replica.size", ObserveSizes, "{key}", "Keys each running replica holds.");
        Rounds = meter.CreateCounter<long>("horde.crdt.sync.rounds", description: "Anti-entropy rounds started.");
        KeysSent = meter.CreateCounter<long>("horde.crdt.sync.keys_sent", description: "Key deltas and contents sent.");
        KeysReceived = meter.CreateCounter<long>("horde.crdt.sync.keys_received", description: "Key deltas and contents received.");
        BytesSent = meter.CreateCounter<long>("horde.crdt.sync.bytes_sent", "By", "Encoded sync message bytes.");
        BytesReceived = meter.CreateCounter<long>("horde.crdt.sync.bytes_received", "By", "Decoded sync message bytes.");
        OutstandingDeltas = meter.CreateUpDownCounter<long>("horde.crdt.deltas.outstanding", description: "Key deltas sent but not yet acknowledged.");
        ClockDriftRefusals = meter.CreateCounter<long>("horde.crdt.clock.drift_refusals", description: "Remote timestamps too far ahead of the wall clock for the local clock to follow.");
        RepairDuration = meter.CreateHistogram<double>("horde.crdt.sync.converge_time", "ms", "Time from finding a difference with a neighbour to having repaired it.");
    }

    public Counter<long> Rounds { get; }

    public Counter<long> KeysSent { get; }

    public Counter<long> KeysReceived { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> BytesReceived { get; }

    public UpDownCounter<long> OutstandingDeltas { get; }

    public Counter<long> ClockDriftRefusals { get; }

    public Histogram<double> RepairDuration { get; }

    /// <summary>Reports the size of the replica <paramref name="replica"/> on <paramref name="node"/> until <see cref="Untrack"/>.</summary>
    public void Track(string replica, string node, Func<int> count) => _sizes[(replica, node)] = count;

    public void Untrack(string replica, string node, Func<int> count) =>
        _sizes.TryRemove(new KeyValuePair<(string, string), Func<int>>((replica, node), count));

    private IEnumerable<Measurement<int>> ObserveSizes()
    {
        foreach (var ((replica, node), count) in _sizes)
            yield return new(count(), new("replica", replica), new("node", node));
    }

    /// <summary>The instruments on <paramref name="factory"/>'s meter, or on the library's own meter if null.</summary>
    public static CrdtMetrics For(IMeterFactory? factory) =>
        factory is null ? Own.Value : ByFactory.GetValue(factory, f => new CrdtMetrics(f.Create(MeterName)));
}
