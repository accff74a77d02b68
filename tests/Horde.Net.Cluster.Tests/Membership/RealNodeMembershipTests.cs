using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>Real nodes over gRPC, each driven by its own membership: nobody calls connect.</summary>
public sealed class RealNodeMembershipTests
{
    private static readonly ClusterMembershipOptions FastRetries = KubernetesApiCluster.FastRetries;

    private static async Task AllConnectedAsync(IReadOnlyList<Node> nodes)
    {
        try
        {
            await Eventually.TrueAsync(() => nodes.All(n => n.ConnectedNodes.Count == nodes.Count - 1), "every node is connected to every other", TimeSpan.FromSeconds(15));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var names = nodes.Select(n => n.Name.ToString()).ToList();
            var state = string.Join("; ", nodes.Select(n => $"{n.Name} -> [{string.Join(", ", n.ConnectedNodes)}]"));
            var log = string.Join(Environment.NewLine, TestLogging.Factory.Lines.Where(l => names.Any(l.Contains)).TakeLast(40));
            throw new Xunit.Sdk.XunitException($"{e.Message} {state}{Environment.NewLine}{log}");
        }
    }

    /// <summary>Starts listening nodes and a membership for each, from the strategy <paramref name="strategy"/> makes for it.</summary>
    private static async Task<(List<Node> Nodes, List<ClusterMembership> Memberships)> StartAsync(
        IEnumerable<NodeName> names, Func<NodeName, IMembershipStrategy> strategy)
    {
        var nodes = new List<Node>();
        var memberships = new List<ClusterMembership>();
        foreach (var name in names)
        {
            var options = TestCluster.Options(name.Name);
            options.Name = name;
            var node = new Node(options, TestLogging.Factory);
            await node.ListenAsync();
            nodes.Add(node);
            var membership = new ClusterMembership(node, [strategy(name)], FastRetries);
            await membership.StartAsync(CancellationToken.None);
            memberships.Add(membership);
        }
        return (nodes, memberships);
    }

    private static async Task StopAsync(List<Node> nodes, List<ClusterMembership> memberships)
    {
        foreach (var membership in memberships)
            await membership.DisposeAsync();
        foreach (var node in nodes)
            await node.DisposeAsync();
    }

    [Fact]
    public async Task Three_nodes_found_through_the_kubernetes_api_form_a_cluster_and_drop_a_pod_that_turns_not_ready()
    {
        await using var k8s = await KubernetesApiCluster.StartAsync(["127.0.0.61", "127.0.0.62", "127.0.0.63"]);
        var (api, pods, nodes, memberships) = (k8s.Api, k8s.Pods, k8s.Nodes, k8s.Memberships);
        await AllConnectedAsync(nodes);
        await memberships[2].StopAsync(CancellationToken.None); // the terminating pod stops dialing
        api.Respond(KubernetesApiCluster.Slices, 200, KubernetesJson.EndpointSlices("shop", pods[0], pods[1], pods[2] with { Ready = false }));
        await Eventually.TrueAsync(() => nodes.Take(2).All(n => !n.ConnectedNodes.Contains(nodes[2].Name)),
            "the not-ready pod is disconnected", TimeSpan.FromSeconds(15));
        Assert.All(api.Requests, r => Assert.Equal("Bearer test-token", r.Authorization));
    }

    [Fact]
    public async Task A_draining_pod_that_turns_not_ready_keeps_its_connections_until_its_goodbye()
    {
        await using var k8s = await KubernetesApiCluster.StartAsync(["127.0.0.91", "127.0.0.92", "127.0.0.93"]);
        var (api, pods, nodes, memberships) = (k8s.Api, k8s.Pods, k8s.Nodes, k8s.Memberships);
        await AllConnectedAsync(nodes);
        var counter = await nodes[0].StartAsync(() => new Counter(start: 1));
        var watchers = new[] { await Probe.WatchNodesAsync(nodes[0]), await Probe.WatchNodesAsync(nodes[1]) };
        var handOffMayGo = new TaskCompletionSource();
        var handedOff = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var draining = nodes[2];
        draining.OnDrain(async token =>
        {
            await handOffMayGo.Task.WaitAsync(token);
            handedOff.SetResult(await draining.Resolve(counter).CallAsync<int>(new Add(1), cancellationToken: token));
        });

        // SIGTERM: the pod drains, and Kubernetes marks it NotReady, so it leaves the endpoint slices.
        var stopping = draining.StopAsync(TestContext.Current.CancellationToken);
        foreach (var watcher in watchers)
            Assert.Equal(draining.Name, (await watcher.ExpectAsync<NodeLeaving>()).Node);
        api.Respond(KubernetesApiCluster.Slices, 200, KubernetesJson.EndpointSlices("shop", pods[0], pods[1], pods[2] with { Ready = false }));
        // A membership drops a node from its members in the same round in which it would disconnect it.
        await memberships.Take(2).WaitForMembersAsync([nodes[0].Name, nodes[1].Name]);
        Assert.All(nodes.Take(2), n => Assert.Contains(draining.Name, n.ConnectedNodes));

        handOffMayGo.SetResult();
        Assert.Equal(2, await handedOff.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        await stopping;
        foreach (var watcher in watchers)
            Assert.Equal(NodeDownReason.Goodbye, (await watcher.ExpectAsync<NodeDown>()).Reason); // not Disconnected by membership
    }

    [Fact]
    public async Task Three_nodes_found_through_a_kubernetes_headless_service_form_a_cluster()
    {
        var port = TestCluster.FreePort();
        var ips = new[] { "127.0.0.81", "127.0.0.82", "127.0.0.83" };
        await using var dns = await Dnsmasq.StartAsync([.. ips.Select(ip => $"{ip} orders-headless.shop.svc.cluster.local")]);
        var (nodes, memberships) = await StartAsync(ips.Select(ip => NodeName.Create("orders", ip, port)), _ => new KubernetesDnsStrategy("k8s-dns", new KubernetesDnsOptions
        {
            Service = "orders-headless",
            Namespace = "shop",
            ApplicationName = "orders",
            Port = port,
            NameServer = dns.NameServer,
            PollingInterval = TimeSpan.FromMilliseconds(200),
        }));
        try
        {
            await AllConnectedAsync(nodes);
        }
        finally
        {
            await StopAsync(nodes, memberships);
        }
    }

    [Fact]
    public async Task Three_nodes_gossiping_on_loopback_multicast_form_a_cluster()
    {
        var port = TestCluster.FreePort();
        var group = $"239.255.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}";
        var gossipPort = TestCluster.FreePort();
        var (nodes, memberships) = await StartAsync(
            new[] { "127.0.0.71", "127.0.0.72", "127.0.0.73" }.Select(ip => NodeName.Create("gossip", ip, port)),
            _ => new GossipStrategy("gossip", new GossipOptions
            {
                MulticastAddress = group,
                Port = gossipPort,
                MulticastInterface = "127.0.0.1",
                MulticastTtl = 0,
                Secret = "cluster secret",
                HeartbeatInterval = TimeSpan.FromMilliseconds(100),
                PeerTimeout = TimeSpan.FromSeconds(2),
            }));
        try
        {
            await AllConnectedAsync(nodes);
        }
        finally
        {
            await StopAsync(nodes, memberships);
        }
    }

    [Fact]
    public async Task Three_nodes_with_a_static_list_form_a_cluster_and_take_back_a_restarted_node()
    {
        var options = Enumerable.Range(0, 3).Select(i => TestCluster.Options($"static{i}")).ToList();
        var list = new StaticOptions { Nodes = [.. options.Select(o => o.Name.ToString())], NodesEnvironmentVariable = null };
        var nodes = new List<Node>();
        var memberships = new List<ClusterMembership>();
        try
        {
            foreach (var option in options)
            {
                var node = new Node(option, TestLogging.Factory);
                await node.ListenAsync();
                nodes.Add(node);
                var membership = new ClusterMembership(node, [new StaticStrategy("static", list)], FastRetries);
                await membership.StartAsync(CancellationToken.None);
                memberships.Add(membership);
            }
            await AllConnectedAsync(nodes);
            var pid = await nodes[2].StartAsync(() => new Counter(start: 9));
            Assert.Equal(9, await nodes[0].Resolve(pid).CallAsync<int>(new Get()));

            // Node 2 stops and a new run of it starts under the same name: the others take it back on their own.
            await memberships[2].DisposeAsync();
            await nodes[2].DisposeAsync();
            await Eventually.TrueAsync(() => !nodes[0].ConnectedNodes.Contains(options[2].Name), "node 2 is seen leaving");
            var again = TestCluster.Options("static2");
            again.Name = options[2].Name;
            nodes[2] = new Node(again, TestLogging.Factory);
            await nodes[2].ListenAsync();
            memberships[2] = new ClusterMembership(nodes[2], [new StaticStrategy("static", list)], FastRetries);
            await memberships[2].StartAsync(CancellationToken.None);
            await AllConnectedAsync(nodes);
        }
        finally
        {
            foreach (var membership in memberships)
                await membership.DisposeAsync();
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Three_nodes_found_through_dns_form_a_cluster_and_drop_a_node_removed_from_dns()
    {
        const string service = "orders-headless.default.svc.cluster.local";
        var port = TestCluster.FreePort();
        var ips = new[] { "127.0.0.21", "127.0.0.22", "127.0.0.23" };
        await using var dns = await Dnsmasq.StartAsync([.. ips.Select(ip => $"{ip} {service}")]);
        var nodes = new List<Node>();
        var memberships = new List<ClusterMembership>();
        try
        {
            foreach (var ip in ips)
            {
                var options = TestCluster.Options("orders");
                options.Name = NodeName.Create("orders", ip, port);
                var node = new Node(options, TestLogging.Factory);
                await node.ListenAsync();
                nodes.Add(node);
                var strategy = new DnsPollStrategy("dns", new DnsPollOptions
                {
                    Query = service,
                    NodeBasename = "orders",
                    Port = port,
                    NameServer = dns.NameServer,
                    PollingInterval = TimeSpan.FromMilliseconds(200),
                });
                var membership = new ClusterMembership(node, [strategy], FastRetries);
                await membership.StartAsync(CancellationToken.None);
                memberships.Add(membership);
            }
            await AllConnectedAsync(nodes);

            // Node 2's pod is being replaced: its own membership stops (it would otherwise dial back), and DNS drops it.
            // The node itself still listens, so only the DNS change can make the others let go of it.
            await memberships[2].StopAsync(CancellationToken.None);
            await dns.SetHostsAsync($"{ips[0]} {service}", $"{ips[1]} {service}");
            await Eventually.TrueAsync(
                () => !nodes[0].ConnectedNodes.Contains(nodes[2].Name) && !nodes[1].ConnectedNodes.Contains(nodes[2].Name),
                "the nodes DNS no longer lists are disconnected", TimeSpan.FromSeconds(15));
            Assert.Contains(nodes[1].Name, nodes[0].ConnectedNodes);
        }
        finally
        {
            foreach (var membership in memberships)
                await membership.DisposeAsync();
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }
}
