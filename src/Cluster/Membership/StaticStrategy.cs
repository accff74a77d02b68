using System.Collections.Frozen;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Lists a fixed set of nodes (libcluster's <c>Epmd</c> and the seeds' <c>NODES</c> variable).
/// Membership keeps trying listed nodes that are down, so a listed node that restarts is connected again.
/// </summary>
public sealed class StaticStrategy : IMembershipStrategy
{
    /// <summary>Creates the strategy; a malformed node name throws here, at start-up, not later.</summary>
    /// <exception cref="FormatException">A listed name is not <c>name@host:port</c>.</exception>
    public StaticStrategy(string topology, StaticOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topology);
        ArgumentNullException.ThrowIfNull(options);
        Topology = topology;
        var fromEnvironment = string.IsNullOrEmpty(options.NodesEnvironmentVariable)
            ? null
            : Environment.GetEnvironmentVariable(options.NodesEnvironmentVariable);
        Nodes = ParseList(options.Nodes.Concat(Split(fromEnvironment))).ToFrozenSet();
    }

    /// <inheritdoc />
    public string Topology { get; }

    /// <summary>The nodes this strategy lists.</summary>
    public IReadOnlySet<NodeName> Nodes { get; }

    /// <summary>Parses a list such as the <c>NODES</c> variable: names separated by commas or white space.</summary>
    /// <exception cref="FormatException">A name is malformed.</exception>
    public static IReadOnlySet<NodeName> Parse(string? list) => ParseList(Split(list)).ToFrozenSet();

    /// <inheritdoc />
    public async Task RunAsync(IPeerListSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        sink.Publish(Nodes);
        // The list never changes; retrying unreachable nodes is the membership's job.
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split([',', ' ', '\t', '\r', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static IEnumerable<NodeName> ParseList(IEnumerable<string> names) => names.Select(NodeName.Parse);
}
