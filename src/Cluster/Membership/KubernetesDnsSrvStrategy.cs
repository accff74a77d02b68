using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Lists <c>ApplicationName@target:port</c> for each SRV record of a headless service
/// (libcluster's <c>Kubernetes.DNSSRV</c>); with a StatefulSet the targets are the pods' stable names,
/// such as <c>orders-0.orders-headless.default.svc.cluster.local</c>, and the port is the named service port.
/// </summary>
public sealed class KubernetesDnsSrvStrategy : PollingMembershipStrategy
{
    private readonly DnsLookup _lookup;
    private readonly string _basename;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentException">A required setting is missing.</exception>
    public KubernetesDnsSrvStrategy(string topology, KubernetesDnsSrvOptions options, ILogger? logger = null)
        : base(topology, (options ?? throw new ArgumentNullException(nameof(options))).PollingInterval, logger)
    {
        var service = DnsPollStrategy.Required(options.Service, "Service", topology);
        _basename = DnsPollStrategy.Required(options.ApplicationName, "ApplicationName", topology);
        var name = DnsNames.ServiceName(service, KubernetesEnvironment.ResolveNamespace(options.Namespace), options.ClusterDomain);
        QueryName = string.IsNullOrWhiteSpace(options.PortName) ? name : $"_{options.PortName}._tcp.{name}";
        _lookup = new DnsLookup(options);
    }

    /// <summary>The name queried, such as <c>_horde._tcp.orders-headless.default.svc.cluster.local</c>.</summary>
    public string QueryName { get; }

    /// <inheritdoc />
    protected override async Task<IReadOnlySet<NodeName>> PollAsync(NodeName self, CancellationToken cancellationToken)
    {
        var records = await _lookup.ServicesAsync(QueryName, cancellationToken);
        return records
            .Where(r => r.Port > 0)
            .Select(r => NodeName.Create(_basename, r.Target.Value.TrimEnd('.'), r.Port))
            .Where(n => n != self)
            .ToHashSet();
    }
}
