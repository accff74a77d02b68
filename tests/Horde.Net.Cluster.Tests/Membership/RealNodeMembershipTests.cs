using Horde.Net.Cluster.Membership;
using Horde.Net.Cluster.Tests.Kit;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>Real nodes over gRPC, each driven by its own membership: nobody calls connect.</summary>
public sealed class RealNodeMembershipTests
{
    private static readonly ClusterMembershipOptions FastRetries = new() { ReconnectInterval = TimeSpan.FromMilliseconds(200), ConnectTimeout = TimeSpan.FromSeconds(5) };

    private static Task AllConnectedAsync(IReadOnlyList<Node> nodes) =>
        Eventually.TrueAsync(() => nodes.All(n => n.ConnectedNodes.Count == nodes.Count - 1), "every node is connected to every other", TimeSpan.FromSeconds(15));

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
