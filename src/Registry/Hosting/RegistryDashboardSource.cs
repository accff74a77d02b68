using System.Globalization;
using Horde.Net.Cluster.Hosting;

namespace Horde.Net.Registry.Hosting;

/// <summary>The registries of the host on the dashboard: names held (cluster-wide, from the local replica), first sync, sync lag.</summary>
internal sealed class RegistryDashboardSource(HordeRegistries registries) : IHordeDashboardSource
{
    public DashboardSection? Read()
    {
        var rows = registries.Describe()
            .Select(r => (IReadOnlyList<string>)[r.Name, r.Count.ToString(CultureInfo.InvariantCulture), r.IsCaughtUp ? "yes" : "no", Lag(r.SinceLastSync)])
            .ToList();
        return rows.Count == 0 ? null : new DashboardSection("registries", ["registry", "names", "caught up", "sync lag"], rows);
    }

    internal static string Lag(TimeSpan? since) => since is { } lag ? $"{lag.TotalMilliseconds:0} ms" : "not synced yet";
}
