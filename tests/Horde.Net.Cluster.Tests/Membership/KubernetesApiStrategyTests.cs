using Horde.Net.Cluster.Membership;
using static Horde.Net.TestKit.KubernetesJson;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>The real KubernetesClient against a loopback server answering with the Kubernetes API's JSON.</summary>
public sealed class KubernetesApiStrategyTests : IDisposable
{
    private const string Token = "eyJhbGciOiJSUzI1NiJ9.test-service-account-token";
    private const string SlicesPath = "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices";
    private const string EndpointsPath = "/api/v1/namespaces/shop/endpoints";
    private const string PodsPath = "/api/v1/namespaces/shop/pods";
    private static readonly Pod P1 = new("orders-0", "127.0.0.21");
    private static readonly Pod P2 = new("orders-1", "127.0.0.22");
    private static readonly Pod P3 = new("orders-2", "127.0.0.23");
    private static readonly NodeName N1 = NodeName.Parse("orders@127.0.0.21:4369");
    private static readonly NodeName N2 = NodeName.Parse("orders@127.0.0.22:4369");
    private static readonly NodeName N3 = NodeName.Parse("orders@127.0.0.23:4369");
    private readonly DirectoryInfo _serviceAccount = Directory.CreateTempSubdirectory("horde-sa-");

    public KubernetesApiStrategyTests()
    {
        File.WriteAllText(Path.Combine(_serviceAccount.FullName, "token"), Token + "\n");
        File.WriteAllText(Path.Combine(_serviceAccount.FullName, "namespace"), "shop");
    }

    public void Dispose() => _serviceAccount.Delete(recursive: true);

    private KubernetesApiOptions Options(FakeKubernetesApi api, KubernetesLookupMode mode = KubernetesLookupMode.EndpointSlices) => new()
    {
        ApiServer = api.Url,
        ServiceAccountFolder = _serviceAccount.FullName,
        Selector = "app=orders,tier in (backend)",
        NodeBasename = "orders",
        Mode = mode,
        PollingInterval = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task Endpoint_slices_list_ready_endpoints_with_the_named_port_asking_with_token_and_selector()
    {
        await using var api = FakeKubernetesApi.Start();
        api.Respond(SlicesPath, 200, EndpointSlices("shop", P1, P2 with { Ready = false }, P3));
        using var strategy = new KubernetesApiStrategy("k8s", Options(api));
        Assert.Equal("shop", strategy.Namespace); // from the service account's namespace file
        var sink = new RecordingSink(N3);
        using var stop = new CancellationTokenSource();
        var run = strategy.RunAsync(sink, stop.Token);

        await sink.WaitForAsync(N1);

        var request = api.Requests[0];
        Assert.Equal(SlicesPath, request.Path);
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.Equal("app=orders,tier in (backend)", request.LabelSelector);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Endpoints_mode_leaves_out_not_ready_addresses_and_names_nodes_by_hostname()
    {
        await using var api = FakeKubernetesApi.Start();
        api.Respond(EndpointsPath, 200, Endpoints("shop", P1, P2, P3 with { Ready = false }));
        var options = Options(api, KubernetesLookupMode.Endpoints);
        options.NodeNameMode = KubernetesNodeNameMode.Hostname;
        options.ServiceName = "orders-headless";
        using var strategy = new KubernetesApiStrategy("k8s", options);
        var sink = new RecordingSink(N3);
        using var stop = new CancellationTokenSource();
        var run = strategy.RunAsync(sink, stop.Token);

        await sink.WaitForAsync(
            NodeName.Parse("orders@orders-0.orders-headless.shop.svc.cluster.local:4369"),
            NodeName.Parse("orders@orders-1.orders-headless.shop.svc.cluster.local:4369"));
        Assert.All(api.Requests, r => Assert.Equal((EndpointsPath, $"Bearer {Token}", options.Selector), (r.Path, r.Authorization, r.LabelSelector)));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Pods_mode_lists_running_ready_pods_and_names_nodes_by_pod_dns_name()
    {
        await using var api = FakeKubernetesApi.Start();
        api.Respond(PodsPath, 200, Pods("shop", P1, P2 with { Ready = false }, P3 with { Phase = "Pending", Ready = false }));
        var options = Options(api, KubernetesLookupMode.Pods);
        options.NodeNameMode = KubernetesNodeNameMode.Dns;
        options.Port = 5000; // an explicit port wins over the named one
        using var strategy = new KubernetesApiStrategy("k8s", options);
        var sink = new RecordingSink(N3);
        using var stop = new CancellationTokenSource();
        var run = strategy.RunAsync(sink, stop.Token);

        await sink.WaitForAsync(NodeName.Parse("orders@127-0-0-21.shop.pod.cluster.local:5000"));
        Assert.All(api.Requests, r => Assert.Equal((PodsPath, $"Bearer {Token}", options.Selector), (r.Path, r.Authorization, r.LabelSelector)));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_500_keeps_the_list_and_a_403_empties_it_and_logs_the_RBAC_rule_once()
    {
        await using var api = FakeKubernetesApi.Start();
        api.Respond(SlicesPath, 200, EndpointSlices("shop", P1, P2));
        var logger = new CapturingLogger<KubernetesApiStrategy>();
        using var strategy = new KubernetesApiStrategy("k8s", Options(api), logger);
        var sink = new RecordingSink(N3);
        using var stop = new CancellationTokenSource();
        var run = strategy.RunAsync(sink, stop.Token);
        await sink.WaitForAsync(N1, N2);

        api.Respond(SlicesPath, 500, FakeKubernetesApi.Status(500, "InternalError", "etcdserver: request timed out"));
        var seen = api.Requests.Count;
        await MembershipWaits.UntilAsync(() => api.Requests.Count >= seen + 3, "three polls answered with 500");
        Assert.Equal([N1, N2], sink.Latest!.Order());
        Assert.Equal(1, logger.Count(4005));
        Assert.Contains("500", logger.Lines.Single(l => l.Id.Id == 4005).Message);

        api.Respond(SlicesPath, 403, FakeKubernetesApi.Status(403, "Forbidden",
            "endpointslices.discovery.k8s.io is forbidden: User \\\"system:serviceaccount:shop:orders\\\" cannot list resource \\\"endpointslices\\\" in API group \\\"discovery.k8s.io\\\" in the namespace \\\"shop\\\""));
        await sink.WaitForAsync();
        seen = api.Requests.Count;
        await MembershipWaits.UntilAsync(() => api.Requests.Count >= seen + 3, "three polls answered with 403");
        var forbidden = Assert.Single(logger.Lines, l => l.Id.Id == 4010);
        Assert.Contains("""{apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"]}""", forbidden.Message);
        Assert.Contains("shop", forbidden.Message);

        api.Respond(SlicesPath, 200, EndpointSlices("shop", P2));
        await sink.WaitForAsync(N2);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Three_nodes_form_the_cluster_from_endpoint_slices_and_follow_a_pod_going_away()
    {
        await using var api = FakeKubernetesApi.Start();
        api.Respond(SlicesPath, 200, EndpointSlices("shop", P1, P2, P3));
        var network = new FakeNetwork();
        var strategies = new List<KubernetesApiStrategy>();
        var memberships = new[] { N1, N2, N3 }.Select(n =>
        {
            var strategy = new KubernetesApiStrategy("k8s", Options(api));
            strategies.Add(strategy);
            return new ClusterMembership(network.Node(n), [strategy], ClusterMembershipTests.Fast);
        }).ToList();
        foreach (var membership in memberships)
            await membership.StartAsync(TestContext.Current.CancellationToken);

        await memberships.WaitForMembersAsync([N1, N2, N3]);

        // orders-2 is being terminated: its endpoint turns not ready.
        api.Respond(SlicesPath, 200, EndpointSlices("shop", P1, P2, P3 with { Ready = false }));
        await memberships.Take(2).WaitForMembersAsync([N1, N2]);

        foreach (var membership in memberships)
            await membership.DisposeAsync();
        strategies.ForEach(s => s.Dispose());
    }

    [Fact]
    public void Outside_a_pod_without_ApiServer_the_error_says_so()
    {
        var options = new KubernetesApiOptions { Selector = "app=orders", NodeBasename = "orders", ServiceAccountFolder = _serviceAccount.FullName };
        if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null)
            return; // running inside a pod: the in-cluster defaults apply
        var error = Assert.Throws<ArgumentException>(() => new KubernetesApiStrategy("k8s", options));
        Assert.Contains("KUBERNETES_SERVICE_HOST", error.Message);
    }
}
