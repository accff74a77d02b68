using System.Diagnostics.Metrics;

namespace Horde.Net.Crdt.Sync;

/// <summary>The library's meter, "Horde.Net.Crdt", so OpenTelemetry can collect sync figures without code.</summary>
internal static class CrdtMetrics
{
    public static readonly Meter Meter = new("Horde.Net.Crdt");
    public static readonly Counter<long> Rounds = Meter.CreateCounter<long>("horde.crdt.sync.rounds", description: "Anti-entropy rounds started.");
    public static readonly Counter<long> KeysSent = Meter.CreateCounter<long>("horde.crdt.sync.keys_sent", description: "Key deltas and contents sent.");
    public static readonly Counter<long> KeysReceived = Meter.CreateCounter<long>("horde.crdt.sync.keys_received", description: "Key deltas and contents received.");
    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("horde.crdt.sync.bytes_sent", "By", "Encoded sync message bytes.");
    public static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>("horde.crdt.sync.bytes_received", "By", "Decoded sync message bytes.");
    public static readonly UpDownCounter<long> OutstandingDeltas = Meter.CreateUpDownCounter<long>("horde.crdt.deltas.outstanding", description: "Key deltas sent but not yet acknowledged.");
    public static readonly Counter<long> ClockDriftRefusals = Meter.CreateCounter<long>("horde.crdt.clock.drift_refusals", description: "Remote timestamps too far ahead of the wall clock for the local clock to follow.");
    public static readonly Histogram<double> RepairDuration = Meter.CreateHistogram<double>("horde.crdt.sync.converge_time", "ms", "Time from finding a difference with a neighbour to having repaired it.");
}
