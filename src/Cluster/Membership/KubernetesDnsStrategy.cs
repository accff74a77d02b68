using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Lists <c>ApplicationName@podIP:Port</c> for each A and AAAA record of a headless service, whose
/// records are the ready pods' IPs (libcluster's <c>Kubernetes.DNS</c>).
/// </summary>
public sealed class KubernetesDnsStrategy : PollingMembershipStrategy
{
    private readonly DnsLookup _lookup;
    private readonly string _basename;
    private readonly int _port;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public KubernetesDnsStrategy(string topology, KubernetesDnsOptions options, ILogger? logger = null)
        : base(topology, (options ?? throw new ArgumentNullException(nameof(options))).PollingInterval, logger)
    {
        var service = DnsPollStrategy.Required(options.Service, "Service", topology);
        _basename = DnsPollStrategy.Required(options.ApplicationName, "ApplicationName", topology);
        _port = DnsNames.ValidPort(options.Port, topology);
        QueryName = DnsNames.ServiceName(service, KubernetesEnvironment.ResolveNamespace(options.Namespace), options.ClusterDomain);
        _lookup = new DnsLookup(options);
    }

    /// <summary>The name queried, such as <c>orders-headless.default.svc.cluster.local</c>.</summary>
    public string QueryName { get; }

    /// <inheritdoc />
    protected override async Task<IReadOnlySet<NodeName>> PollAsync(NodeName self, CancellationToken cancellationToken)
    {
        var addresses = await _lookup.AddressesAsync(QueryName, cancellationToken);
        return addresses.Select(a => NodeName.Create(_basename, a.ToString(), _port)).Where(n => n != self).ToHashSet();
    }
}
