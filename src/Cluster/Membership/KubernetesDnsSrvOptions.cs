namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Settings of <see cref="KubernetesDnsSrvStrategy"/> (libcluster's <c>Kubernetes.DNSSRV</c>):
/// <code>
/// "Topologies": { "k8s-srv": { "Strategy": "KubernetesDnsSrv", "Config": {
///   "Service": "orders-headless",
///   "Namespace": "default",
///   "ApplicationName": "orders",
///   "PortName": "horde"
/// } } }
/// </code>
/// </summary>
public sealed class KubernetesDnsSrvOptions : DnsQueryOptions
{
    /// <summary>The headless service; a name without dots becomes <c>Service.Namespace.svc.ClusterDomain</c>.</summary>
    public string Service { get; set; } = "";

    /// <summary>The service's namespace; empty for <c>POD_NAMESPACE</c>, then the service account's namespace, then <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The cluster's DNS domain. Default <c>cluster.local</c>.</summary>
    public string ClusterDomain { get; set; } = "cluster.local";

    /// <summary>The name part of every peer: <c>ApplicationName@srvTarget:srvPort</c>.</summary>
    public string ApplicationName { get; set; } = "";

    /// <summary>
    /// The service's port name; when set the query is <c>_PortName._tcp.service…</c>, whose records carry that port.
    /// Empty to query the service name itself. Default <c>horde</c>, the port name in <c>deploy/</c>.
    /// </summary>
    public string? PortName { get; set; } = KubernetesApiOptions.DefaultPortName;
}
