using System.Diagnostics.Metrics;

namespace Horde.Net.Cluster;

// The node's own instruments, on a meter of the host's IMeterFactory (so OpenTelemetry collects them and the host
// disposes them); a node made without a factory publishes none.
public sealed partial class Node
{
    /// <summary>The name of the meter the node publishes <c>horde.node.*</c> instruments on.</summary>
    public const string MeterName = "Horde.Net.Node";

    private void CreateInstruments()
    {
        if (MeterFactory?.Create(MeterName) is not { } meter)
            return;
        KeyValuePair<string, object?>[] tags = [new("node", Name.ToString())];
        meter.CreateObservableGauge("horde.node.connected", () => new Measurement<int>(ConnectedNodes.Count, tags),
            unit: "{node}", description: "Nodes this node is connected to.");
        meter.CreateObservableGauge("horde.node.processes", () => new Measurement<int>(ProcessCount, tags),
            unit: "{process}", description: "Processes running on this node.");
    }
}
