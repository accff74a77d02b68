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

    public DashboardSection? Read()
    {
        var all = supervisors.All().ToList();
        if (all.Count == 0)
            return null;
        var rows = new List<IReadOnlyList<string>>();
        var perNode = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var supervisor in all)
        {
            var places = supervisor.WhichChildren()
                .Where(c => c.Pid is not null)
                .ToDictionary(c => c.Id, c => c.Pid!.Node, StringComparer.Ordinal);
            ReportMoves(supervisor.Name, places);
            var counts = places.Values.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
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

    /// <summary>Children of <paramref name="supervisor"/> now on another node than at the last read, one event per pair of nodes.</summary>
    private void ReportMoves(string supervisor, Dictionary<string, NodeName> places)
    {
        if (_lastPlaces.TryGetValue(supervisor, out var before))
        {
            var moves = places
                .Where(p => before.TryGetValue(p.Key, out var was) && was != p.Value)
                .GroupBy(p => (From: before[p.Key], To: p.Value));
            foreach (var move in moves)
                feed.Add("handoff", $"{move.Count()} children of {supervisor} moved from {move.Key.From} to {move.Key.To}");
        }
        _lastPlaces[supervisor] = places;
    }
}
