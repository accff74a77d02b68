namespace Horde.Net.Cluster.Membership;

/// <summary>Which Kubernetes objects list the peers.</summary>
public enum KubernetesLookupMode
{
    /// <summary><c>discovery.k8s.io/v1</c> EndpointSlices matching the selector (the default; scales to large services).</summary>
    EndpointSlices,

    /// <summary><c>v1</c> Endpoints matching the selector (deprecated by Kubernetes 1.33, still served).</summary>
    Endpoints,

    /// <summary><c>v1</c> Pods matching the selector; only running, ready pods count.</summary>
    Pods,
}

/// <summary>How a peer's node name is built, as libcluster's <c>:mode</c>.</summary>
public enum KubernetesNodeNameMode
{
    /// <summary><c>basename@10.1.2.3:port</c>.</summary>
    Ip,

    /// <summary><c>basename@10-1-2-3.namespace.pod.cluster.local:port</c>.</summary>
    Dns,

    /// <summary><c>basename@hostname.service.namespace.svc.cluster.local:port</c>, for pods with a hostname and subdomain (StatefulSets).</summary>
    Hostname,
}

/// <summary>
/// Settings of <see cref="KubernetesApiStrategy"/> (libcluster's <c>Kubernetes</c>):
/// <code>
/// "Topologies": { "k8s": { "Strategy": "KubernetesApi", "Config": {
///   "Selector": "app=orders",
///   "NodeBasename": "orders",
///   "Mode": "EndpointSlices",
///   "NodeNameMode": "Ip",
///   "PortName": "horde",
///   "Port": 0,
///   "Namespace": "",
///   "ServiceName": "orders-headless",
///   "PollingInterval": "00:00:05"
/// } } }
/// </code>
/// In a pod nothing else is needed: the API server comes from <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>,
/// the token, CA and namespace from the service account folder. The service account needs the Role in
/// <c>deploy/rbac.yaml</c>.
/// </summary>
public sealed class KubernetesApiOptions
{
    /// <summary>The name of the transport port in the manifests under <c>deploy/</c>.</summary>
    public const string DefaultPortName = "horde";

    /// <summary>A label selector, such as <c>app=orders</c>; required.</summary>
    public string Selector { get; set; } = "";

    /// <summary>The name part of every peer.</summary>
    public string NodeBasename { get; set; } = "";

    /// <summary>Which objects to list. Default <see cref="KubernetesLookupMode.EndpointSlices"/>.</summary>
    public KubernetesLookupMode Mode { get; set; } = KubernetesLookupMode.EndpointSlices;

    /// <summary>How node names are built. Default <see cref="KubernetesNodeNameMode.Ip"/>.</summary>
    public KubernetesNodeNameMode NodeNameMode { get; set; } = KubernetesNodeNameMode.Ip;

    /// <summary>The transport port; 0 (the default) to take the port named <see cref="PortName"/> from each endpoint or pod.</summary>
    public int Port { get; set; }

    /// <summary>The name of the transport port when <see cref="Port"/> is 0. Default <c>horde</c>.</summary>
    public string PortName { get; set; } = DefaultPortName;

    /// <summary>The namespace to look in; empty for <c>POD_NAMESPACE</c>, then the service account's namespace, then <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The headless service that gives pods their DNS names; required by <see cref="KubernetesNodeNameMode.Hostname"/>.</summary>
    public string? ServiceName { get; set; }

    /// <summary>The cluster's DNS domain. Default <c>cluster.local</c>.</summary>
    public string ClusterDomain { get; set; } = "cluster.local";

    /// <summary>The API server's URL; empty for <c>https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT</c>.</summary>
    public string? ApiServer { get; set; }

    /// <summary>Holds <c>token</c>, <c>ca.crt</c> and <c>namespace</c>. Default <c>/var/run/secrets/kubernetes.io/serviceaccount</c>.</summary>
    public string ServiceAccountFolder { get; set; } = KubernetesEnvironment.ServiceAccountFolder;

    /// <summary>How often the API is asked again. Default 5 s.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one API request may take. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
