namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Settings of <see cref="KubernetesDnsStrategy"/> (libcluster's <c>Kubernetes.DNS</c>):
/// <code>
/// "Topologies": { "k8s-dns": { "Strategy": "KubernetesDns", "Config": {
///   "Service": "orders-headless",
///   "Namespace": "",
///   "ApplicationName": "orders",
///   "Port": 4000
/// } } }
/// </code>
/// </summary>
public sealed class KubernetesDnsOptions : DnsQueryOptions
{
    /// <summary>The headless service; a name without dots becomes <c>Service.Namespace.svc.ClusterDomain</c>.</summary>
    public string Service { get; set; } = "";

    /// <summary>The service's namespace; empty for <c>POD_NAMESPACE</c>, then the service account's namespace, then <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The cluster's DNS domain. Default <c>cluster.local</c>.</summary>
    public string ClusterDomain { get; set; } = "cluster.local";

    /// <summary>The name part of every peer: <c>ApplicationName@podIP:Port</c>.</summary>
    public string ApplicationName { get; set; } = "";

    /// <summary>The port every node serves its transport on.</summary>
    public int Port { get; set; }
}
