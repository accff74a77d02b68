namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Settings of <see cref="KubernetesDnsSrvStrategy"/> (libcluster's <c>Kubernetes.DNSSRV</c>):
/// <code>
/// "Topologies": { "k8s-srv": { "Strategy": "KubernetesDnsSrv", "Config": {
///   "Service": "orders-headless",
///   "Namespace": "default",
///   "ApplicationName": "orders",
///   "PortName": ""
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
    /// The service's port name; when set the query is <c>_PortName._tcp.Service…</c>, whose records carry only that port.
    /// Empty (the default, as libcluster) queries the service name itself, which answers for every port of the
    /// service: set it when the service has more than one port (the manifests in <c>deploy/</c> name it <c>horde</c>).
    /// </summary>
    public string? PortName { get; set; }
}
