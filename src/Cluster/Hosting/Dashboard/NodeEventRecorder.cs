namespace Horde.Net.Cluster.Hosting;

/// <summary>Puts the node's own events into the feed, and remembers which peers went down and why, for the node list.</summary>
internal sealed class NodeEventRecorder(HordeEventFeed feed)
{
    private readonly Dictionary<NodeName, (DateTimeOffset At, string Why)> _down = [];

    public void Attach(Node node)
    {
        node.StateChanged += (_, e) => feed.Add("node-state", $"{node.Name} is {e.Current}");
        node.NodeConnected += (_, up) =>
        {
            lock (_down)
                _down.Remove(up.Node);
            feed.Add("node-up", $"{up.Node} connected");
        };
        node.NodeLeaving += (_, leaving) => feed.Add("node-leaving", $"{leaving.Node} is leaving (draining)");
        node.NodeDisconnected += (_, down) =>
        {
            lock (_down)
                _down[down.Node] = (DateTimeOffset.UtcNow, down.Reason.ToString());
            feed.Add("node-down", $"{down.Node} is down: {down.Reason} ({down.Detail})");
        };
    }

    /// <summary>The peers that went down and have not come back, with when and why.</summary>
    public IReadOnlyList<(NodeName Node, DateTimeOffset At, string Why)> Down()
    {
        lock (_down)
            return [.. _down.Select(d => (d.Key, d.Value.At, d.Value.Why))];
    }
}
