using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// What the dashboard shows, as this node sees the cluster: the nodes and their state, the sources' tables and counts
/// per node, the recent events, and a timeline of the counts per node (one sample a second, the last ten minutes,
/// from the first time the dashboard was opened).
/// </summary>
internal sealed class HordeDashboard(Node node, ClusterMembership membership, HordeEventFeed feed, NodeEventRecorder recorder,
    IEnumerable<IHordeDashboardSource> sources, ILogger<HordeDashboard> logger)
{
    private const int HistoryLength = 600;
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);
    private readonly IHordeDashboardSource[] _sources = [.. sources];
    private readonly Queue<DashboardSample> _history = new();
    private readonly Lock _lock = new();
    private DashboardState? _latest;
    private long _latestAt = long.MinValue;

    /// <summary>The state now: read again if the last read is older than a sample interval, so many viewers cost one read.</summary>
    public DashboardState Current()
    {
        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (_latest is null || now - _latestAt >= SampleInterval.TotalMilliseconds)
            {
                _latest = Read();
                _latestAt = now;
            }
            return _latest;
        }
    }

    private DashboardState Read()
    {
        var sections = new List<DashboardSection>();
        foreach (var source in _sources)
        {
            try
            {
                if (source.Read() is { } section)
                    sections.Add(section);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Dashboard source {Source} failed; its section is left out.", source.GetType().Name);
            }
        }
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var counts in sections.Select(s => s.PerNode).OfType<IReadOnlyDictionary<string, int>>())
        {
            foreach (var (name, count) in counts)
                perNode[name] = perNode.GetValueOrDefault(name) + count;
        }
        var time = DateTimeOffset.UtcNow;
        _history.Enqueue(new DashboardSample(time, perNode));
        while (_history.Count > HistoryLength)
            _history.Dequeue();
        return new DashboardState(node.Name.ToString(), time, Nodes(perNode), [.. sections.Select(ToView)], feed.Recent(), [.. _history]);
    }

    private List<DashboardNode> Nodes(Dictionary<string, int> perNode)
    {
        var connected = node.ConnectedNodes.ToHashSet();
        var nodes = new List<DashboardNode> { new(node.Name.ToString(), node.State.ToString(), "this node", perNode.GetValueOrDefault(node.Name.ToString())) };
        foreach (var peer in connected.Order())
            nodes.Add(new(peer.ToString(), node.IsLeaving(peer) ? nameof(NodeState.Leaving) : nameof(NodeState.Running), "connected", perNode.GetValueOrDefault(peer.ToString())));
        foreach (var (peer, at, why) in recorder.Down().Where(d => !connected.Contains(d.Node)).OrderBy(d => d.Node))
            nodes.Add(new(peer.ToString(), "Down", $"{why} at {at:HH:mm:ss}", perNode.GetValueOrDefault(peer.ToString())));
        var shown = nodes.Select(n => n.Name).ToHashSet();
        foreach (var listed in membership.ListedPeers.Where(p => !shown.Contains(p.ToString())).Order())
            nodes.Add(new(listed.ToString(), "Unreachable", "listed by a topology, not connected", perNode.GetValueOrDefault(listed.ToString())));
        return nodes;
    }

    private static DashboardSectionView ToView(DashboardSection section) =>
        new(section.Title, section.Columns, section.Rows, section.PerNode);
}

internal sealed record DashboardState(string Self, DateTimeOffset Time, IReadOnlyList<DashboardNode> Nodes,
    IReadOnlyList<DashboardSectionView> Sections, IReadOnlyList<HordeEvent> Events, IReadOnlyList<DashboardSample> History);

internal sealed record DashboardNode(string Name, string State, string Detail, int Count);

internal sealed record DashboardSectionView(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyDictionary<string, int>? PerNode);

internal sealed record DashboardSample(DateTimeOffset Time, IReadOnlyDictionary<string, int> Counts);
