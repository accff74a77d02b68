using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Lists <c>NodeBasename@address:Port</c> for each A and AAAA record of a name, polled
/// (libcluster's <c>DNSPoll</c>). This node's own record is left out. A name that does not exist
/// lists no peers; a DNS failure keeps the previous list.
/// </summary>
public sealed class DnsPollStrategy : PollingMembershipStrategy
{
    private readonly DnsLookup _lookup;
    private readonly string _query;
    private readonly string _basename;
    private readonly int _port;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public DnsPollStrategy(string topology, DnsPollOptions options, ILogger? logger = null)
        : base(topology, (options ?? throw new ArgumentNullException(nameof(options))).PollingInterval, logger)
    {
        _query = Required(options.Query, "Query", topology);
        _basename = Required(options.NodeBasename, "NodeBasename", topology);
        _port = DnsNames.ValidPort(options.Port, topology);
        _lookup = new DnsLookup(options);
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlySet<NodeName>> PollAsync(NodeName self, CancellationToken cancellationToken)
    {
        var addresses = await _lookup.AddressesAsync(_query, cancellationToken);
        return addresses.Select(a => NodeName.Create(_basename, a.ToString(), _port)).Where(n => n != self).ToHashSet();
    }

    internal static string Required(string? value, string setting, string topology) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"Topology '{topology}': the setting {setting} is required.", setting)
            : value;
}
