using System.Globalization;
using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;

namespace Horde.Net.Supervisor.Hosting;

/// <summary>
/// The supervisors of the host on the dashboard: children per member node (charted over time), member status, sync
/// lag; and, between two reads, the children that changed node, as handoff events in the feed.
/// </summary>
internal sealed class SupervisorDashboardSource(SupervisorHordeBuilderExtensions.HordeSupervisors supervisors, HordeEventFeed feed) : IHordeDashboardSource
{
    private readonly Dictionary<string, Dictionary<string, NodeName>> _lastPlaces = [];

    /// <summary>How many children's last places the source remembers (what it must forget as children end).</summary>
    internal int Remembered => _lastPlaces.Values.Sum(p => p.Count);

    public DashboardSection? Read()
    {
        var all = supervisors.All().ToList();
        if (all.Count == 0)
            return null;
        var rows = new List<IReadOnlyList<string>>();
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var supervisor in all)
        {
            var children = supervisor.WhichChildren();
            var running = children.Where(c => c.Pid is not null).ToList();
            ReportMoves(supervisor.Name, running.ToDictionary(c => c.Id, c => c.Pid!.Node, StringComparer.Ordinal),
                children.Select(c => c.Id).ToHashSet(StringComparer.Ordinal));
            var counts = running.GroupBy(c => c.Pid!.Node).ToDictionary(g => g.Key, g => g.Count());
            var lag = supervisor.SinceLastSync is { } since ? $"{since.TotalMilliseconds:0} ms" : "not synced yet";
            foreach (var member in supervisor.Members)
            {
                var count = counts.GetValueOrDefault(member.Node);
                rows.Add([supervisor.Name, member.Node.ToString(), member.Status.ToString(), count.ToString(CultureInfo.InvariantCulture), lag]);
            }
            foreach (var (node, count) in counts)
                perNode[node.ToString()] = perNode.GetValueOrDefault(node.ToString()) + count;
        }
        return new DashboardSection("supervisors", ["supervisor", "member", "status", "children", "sync lag"], rows) { PerNode = perNode };
    }

    /// <summary>
    /// Children of <paramref name="supervisor"/> now running on another node than where they last ran, one event per
    /// pair of nodes. A child between two instances (not registered for a moment) keeps its last place until it runs again;
    /// one the supervisor no longer knows (terminated, or a temporary child that ended) is forgotten.
    /// </summary>
    private void ReportMoves(string supervisor, Dictionary<string, NodeName> running, HashSet<string> known)
    {
        if (!_lastPlaces.TryGetValue(supervisor, out var places))
        {
            _lastPlaces[supervisor] = running;
            return;
        }
        var moves = running
            .Where(p => places.TryGetValue(p.Key, out var was) && was != p.Value)
            .GroupBy(p => (From: places[p.Key], To: p.Value))
            .ToList();
        foreach (var move in moves)
            feed.Add("handoff", $"{move.Count()} children of {supervisor} moved from {move.Key.From} to {move.Key.To}");
        foreach (var (id, node) in running)
            places[id] = node;
        foreach (var id in places.Keys.Where(id => !known.Contains(id)).ToList())
            places.Remove(id);
    }
}
