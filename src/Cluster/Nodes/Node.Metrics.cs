using System.Diagnostics.Metrics;
using Horde.Net.Cluster.Transport;

namespace Horde.Net.Cluster;

// The node's own instruments, on a meter of the host's IMeterFactory (so OpenTelemetry collects them and the host
// disposes them); a node made without a factory publishes none. The transport keeps plain counters per connection;
// the meters read them when collected, so sending costs one interlocked add per batch, not one per instrument.
public sealed partial class Node
{
    /// <summary>The name of the meter the node publishes <c>horde.node.*</c> instruments on.</summary>
    public const string MeterName = "Horde.Net.Node";

    private Histogram<double>? _heartbeatRoundTrip;

    private void CreateInstruments()
    {
        if (MeterFactory?.Create(MeterName) is not { } meter)
            return;
        KeyValuePair<string, object?>[] tags = [new("node", Name.ToString())];
        _heartbeatRoundTrip = meter.CreateHistogram<double>("horde.node.heartbeat.round_trip", unit: "ms",
            description: "Round trip of heartbeats to each peer (measured while the connection is idle enough to carry them).");
        meter.CreateObservableGauge("horde.node.connected", () => new Measurement<int>(ConnectedNodes.Count, tags),
            unit: "{node}", description: "Nodes this node is connected to.");
        meter.CreateObservableGauge("horde.node.processes", () => new Measurement<int>(ProcessCount, tags),
            unit: "{process}", description: "Processes running on this node.");
        meter.CreateObservableCounter("horde.node.messages_sent", () => PerPeer(c => Interlocked.Read(ref c.MessagesSent)),
            unit: "{message}", description: "Envelopes sent to each connected peer over its current connection.");
        meter.CreateObservableCounter("horde.node.messages_received", () => PerPeer(c => Interlocked.Read(ref c.MessagesReceived)),
            unit: "{message}", description: "Envelopes received from each connected peer over its current connection.");
        meter.CreateObservableCounter("horde.node.bytes_sent", () => PerPeer(c => Interlocked.Read(ref c.BytesSent)),
            unit: "By", description: "Batch bytes sent to each connected peer over its current connection.");
        meter.CreateObservableCounter("horde.node.bytes_received", () => PerPeer(c => Interlocked.Read(ref c.BytesReceived)),
            unit: "By", description: "Batch bytes received from each connected peer over its current connection.");
        meter.CreateObservableCounter("horde.node.dropped", () => (Measurement<long>[])
        [
            new(Drops.UnregisteredType, [.. tags, new("cause", "unregistered_type")]),
            new(Drops.OutboundQueueFull, [.. tags, new("cause", "outbound_queue_full")]),
        ], unit: "{message}", description: "Casts and plain messages dropped instead of sent, by cause.");
    }

    internal void RecordHeartbeatRoundTrip(NodeName peer, double milliseconds) =>
        _heartbeatRoundTrip?.Record(milliseconds, new KeyValuePair<string, object?>("node", Name.ToString()), new("peer", peer.ToString()));

    private IEnumerable<Measurement<long>> PerPeer(Func<PeerConnection, long> read)
    {
        if (_transport is not { } transport)
            yield break;
        var node = Name.ToString();
        foreach (var connection in transport.Connections)
            yield return new(read(connection), [new("node", node), new("peer", connection.Peer.ToString())]);
    }
}
