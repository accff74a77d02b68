namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// A part of the dashboard a layer above adds (a registry's size, a supervisor's children): register it in DI as an
/// <see cref="IHordeDashboardSource"/>. The dashboard reads every source about once a second, off the request threads;
/// a read must be cheap and local (no network call).
/// </summary>
public interface IHordeDashboardSource
{
    /// <summary>What the source shows now; null to show nothing (for example before its layer has started).</summary>
    DashboardSection? Read();
}

/// <summary>One table of the dashboard, and optionally a count per node that the page sums per node and charts over time.</summary>
/// <param name="Title">The table's title, e.g. <c>supervisor orders</c>.</param>
/// <param name="Columns">The column headings.</param>
/// <param name="Rows">The rows, as text, one cell per column.</param>
public sealed record DashboardSection(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>A count per node name (for example children running there), shown per node and on the timeline.</summary>
    public IReadOnlyDictionary<string, int>? PerNode { get; init; }
}
