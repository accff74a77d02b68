using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Lists the ready pods behind a label selector, read from the Kubernetes API with the pod's service
/// account (libcluster's <c>Kubernetes</c>). A 403 means the service account lacks permission: the list
/// is emptied and the missing RBAC rule is logged; any other failure keeps the previous list.
/// </summary>
public sealed class KubernetesApiStrategy : PollingMembershipStrategy, IDisposable
{
    private readonly KubernetesApiOptions _options;
    private readonly Kubernetes _client;
    private readonly KubernetesPeers _peers;
    private bool _forbidden;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentException">A required setting is missing, or the API server is unknown outside a pod.</exception>
    public KubernetesApiStrategy(string topology, KubernetesApiOptions options, ILogger? logger = null, TimeProvider? time = null)
        : base(topology, (options ?? throw new ArgumentNullException(nameof(options))).PollingInterval, logger)
    {
        DnsPollStrategy.Required(options.Selector, "Selector", topology);
        DnsPollStrategy.Required(options.NodeBasename, "NodeBasename", topology);
        if (options.Port == 0)
            DnsPollStrategy.Required(options.PortName, "PortName (or Port)", topology);
        else
            DnsNames.ValidPort(options.Port, topology);
        if (options.NodeNameMode == KubernetesNodeNameMode.Hostname)
            DnsPollStrategy.Required(options.ServiceName, "ServiceName (for NodeNameMode Hostname)", topology);
        _options = options;
        Namespace = KubernetesEnvironment.ResolveNamespace(options.Namespace, Path.Combine(options.ServiceAccountFolder, "namespace"));
        _peers = new KubernetesPeers(options, Namespace);
        _client = new Kubernetes(ClientConfiguration(topology, options, time ?? TimeProvider.System));
    }

    /// <summary>The namespace the strategy lists objects in.</summary>
    public string Namespace { get; }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <inheritdoc />
    protected override async Task<IReadOnlySet<NodeName>> PollAsync(NodeName self, CancellationToken cancellationToken)
    {
        IReadOnlySet<NodeName> peers;
        try
        {
            peers = _options.Mode switch
            {
                KubernetesLookupMode.EndpointSlices => _peers.From(await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(
                    Namespace, labelSelector: _options.Selector, cancellationToken: cancellationToken)),
                KubernetesLookupMode.Endpoints => _peers.From(await _client.CoreV1.ListNamespacedEndpointsAsync(
                    Namespace, labelSelector: _options.Selector, cancellationToken: cancellationToken)),
                KubernetesLookupMode.Pods => _peers.From(await _client.CoreV1.ListNamespacedPodAsync(
                    Namespace, labelSelector: _options.Selector, cancellationToken: cancellationToken)),
                _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Unknown lookup mode {_options.Mode}.")),
            };
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            // Without permission this node cannot know its peers; keeping an old list would keep connecting
            // to pods that may be long gone, so it lists none until the permission is granted.
            if (!_forbidden)
                MembershipLog.KubernetesForbidden(Logger, Topology, ResourceOf(_options.Mode), Namespace, RbacRule(_options.Mode));
            _forbidden = true;
            return new HashSet<NodeName>();
        }
        catch (HttpOperationException e)
        {
            throw new HttpRequestException(
                string.Create(CultureInfo.InvariantCulture, $"Kubernetes API answered {(int?)e.Response?.StatusCode} {e.Response?.ReasonPhrase}: {Truncate(e.Response?.Content)}"),
                e, e.Response?.StatusCode);
        }
        _forbidden = false;
        return peers.Where(n => n != self).ToHashSet();
    }

    /// <summary>The resource the strategy lists in <paramref name="mode"/>.</summary>
    public static string ResourceOf(KubernetesLookupMode mode) => mode switch
    {
        KubernetesLookupMode.EndpointSlices => "endpointslices",
        KubernetesLookupMode.Endpoints => "endpoints",
        _ => "pods",
    };

    /// <summary>The RBAC rule (Role YAML, flow style) that lets the strategy list in <paramref name="mode"/>.</summary>
    public static string RbacRule(KubernetesLookupMode mode) =>
        $"{{apiGroups: [\"{(mode == KubernetesLookupMode.EndpointSlices ? "discovery.k8s.io" : "")}\"], resources: [\"{ResourceOf(mode)}\"], verbs: [\"get\", \"list\", \"watch\"]}}";

    private static string Truncate(string? text) =>
        text is null ? "" : text.Length <= 300 ? text : text[..300] + "…";

    private static KubernetesClientConfiguration ClientConfiguration(string topology, KubernetesApiOptions options, TimeProvider time)
    {
        var caFile = Path.Combine(options.ServiceAccountFolder, "ca.crt");
        X509Certificate2Collection? ca = null;
        if (File.Exists(caFile))
        {
            ca = [];
            ca.ImportFromPemFile(caFile);
        }
        return new KubernetesClientConfiguration
        {
            Host = ApiServer(topology, options),
            TokenProvider = new ServiceAccountTokenProvider(Path.Combine(options.ServiceAccountFolder, "token"), time),
            SslCaCerts = ca,
            HttpClientTimeout = options.RequestTimeout,
        };
    }

    private static string ApiServer(string topology, KubernetesApiOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ApiServer))
            return options.ApiServer;
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(port))
            throw new ArgumentException(
                $"Topology '{topology}': not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST/PORT are not set) and ApiServer is not configured.",
                nameof(options));
        return host.Contains(':', StringComparison.Ordinal) ? $"https://[{host}]:{port}" : $"https://{host}:{port}";
    }
}
