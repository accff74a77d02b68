using Horde.Net.Cluster.Membership;

namespace Horde.Net.TestKit;

/// <summary>
/// Real nodes on loopback addresses, one per pod, each joined by its own <see cref="KubernetesApiStrategy"/> reading
/// the endpoint slices of the fake Kubernetes API (which a test changes to turn a pod NotReady).
/// </summary>
public sealed class KubernetesApiCluster : IAsyncDisposable
{
    public const string Slices = "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices";

    public static readonly ClusterMembershipOptions FastRetries = new() { ReconnectInterval = TimeSpan.FromMilliseconds(200), ConnectTimeout = TimeSpan.FromSeconds(5) };

    private readonly DirectoryInfo _account;

    private KubernetesApiCluster(FakeKubernetesApi api, DirectoryInfo account, KubernetesJson.Pod[] pods)
    {
        Api = api;
        _account = account;
        Pods = pods;
    }

    public FakeKubernetesApi Api { get; }

    public KubernetesJson.Pod[] Pods { get; }

    public List<Node> Nodes { get; } = [];

    public List<ClusterMembership> Memberships { get; } = [];

    /// <summary>Starts a pod and its node on each of <paramref name="ips"/>, all Ready in the endpoint slices.</summary>
    public static async Task<KubernetesApiCluster> StartAsync(string[] ips, Action<NodeOptions>? configure = null)
    {
        var port = TestCluster.FreePort();
        var account = Directory.CreateTempSubdirectory("horde-sa-");
        File.WriteAllText(Path.Combine(account.FullName, "token"), "test-token");
        File.WriteAllText(Path.Combine(account.FullName, "namespace"), "shop");
        var pods = ips.Select((ip, i) => new KubernetesJson.Pod($"orders-{i}", ip)).ToArray();
        var cluster = new KubernetesApiCluster(FakeKubernetesApi.Start(), account, pods);
        cluster.Api.Respond(Slices, 200, KubernetesJson.EndpointSlices("shop", pods));
        foreach (var pod in pods)
        {
            var options = TestCluster.Options("orders");
            options.Name = NodeName.Create("orders", pod.Ip, port);
            configure?.Invoke(options);
            var node = new Node(options, TestLogging.Factory);
            await node.ListenAsync();
            cluster.Nodes.Add(node);
            var membership = new ClusterMembership(node, [new KubernetesApiStrategy("k8s", new KubernetesApiOptions
            {
                ApiServer = cluster.Api.Url,
                ServiceAccountFolder = account.FullName,
                Selector = "app=orders",
                NodeBasename = "orders",
                Port = port,
                PollingInterval = TimeSpan.FromMilliseconds(200),
            })], FastRetries);
            await membership.StartAsync(CancellationToken.None);
            cluster.Memberships.Add(membership);
        }
        return cluster;
    }

    /// <summary>Marks <paramref name="pod"/> NotReady, as Kubernetes does when the pod starts terminating.</summary>
    public void TurnNotReady(int pod) =>
        Api.Respond(Slices, 200, KubernetesJson.EndpointSlices("shop", [.. Pods.Select((p, i) => i == pod ? p with { Ready = false } : p)]));

    public async ValueTask DisposeAsync()
    {
        foreach (var membership in Memberships)
            await membership.DisposeAsync();
        foreach (var node in Nodes)
            await node.DisposeAsync();
        await Api.DisposeAsync();
        _account.Delete(recursive: true);
    }
}
