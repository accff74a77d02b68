using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>The DNS strategies against a real DNS server (dnsmasq on a loopback port) whose records change mid-test.</summary>
public sealed class DnsStrategyTests
{
    private const string Headless = "orders-headless.default.svc.cluster.local";
    private static readonly NodeName N1 = NodeName.Parse("orders@127.0.0.11:4000");
    private static readonly NodeName N2 = NodeName.Parse("orders@127.0.0.12:4000");
    private static readonly NodeName N3 = NodeName.Parse("orders@127.0.0.13:4000");
    private static readonly NodeName V6 = NodeName.Parse("orders@[::1]:4000");
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static DnsPollOptions PollOptions(Dnsmasq dns) => new()
    {
        Query = Headless,
        NodeBasename = "orders",
        Port = 4000,
        NameServer = dns.NameServer,
        PollingInterval = Poll,
    };

    [Fact]
    public async Task DnsPoll_lists_A_and_AAAA_records_follows_changes_and_leaves_itself_out()
    {
        await using var dns = await Dnsmasq.StartAsync([$"127.0.0.11 {Headless}", $"127.0.0.12 {Headless}", $"::1 {Headless}"]);
        var sink = new RecordingSink(N1);
        using var stop = new CancellationTokenSource();
        var run = new DnsPollStrategy("dns", PollOptions(dns)).RunAsync(sink, stop.Token);

        await sink.WaitForAsync(N2, V6);

        await dns.SetHostsAsync($"127.0.0.11 {Headless}", $"127.0.0.13 {Headless}");
        await sink.WaitForAsync(N3);

        // The service has no ready pods left: the name no longer exists.
        await dns.SetHostsAsync();
        await sink.WaitForAsync();

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task DnsPoll_keeps_the_last_list_while_the_DNS_server_is_down()
    {
        await using var dns = await Dnsmasq.StartAsync([$"127.0.0.12 {Headless}"]);
        var options = PollOptions(dns);
        options.QueryTimeout = TimeSpan.FromMilliseconds(100);
        var logger = new CapturingLogger<DnsPollStrategy>();
        var sink = new RecordingSink(N1);
        using var stop = new CancellationTokenSource();
        var run = new DnsPollStrategy("dns", options, logger).RunAsync(sink, stop.Token);
        await sink.WaitForAsync(N2);
        var published = sink.PublishCount;

        await dns.StopAsync();
        await MembershipWaits.UntilAsync(() => logger.Count(4005) > 0, "the failed poll to be logged");
        await Task.Delay(Poll * 5, TestContext.Current.CancellationToken); // several failing polls

        Assert.Equal(published, sink.PublishCount);
        Assert.Equal([N2], sink.Latest!);
        Assert.True(logger.Count(4005) == 1, string.Join("\n", logger.Lines.Select(l => l.Message)));

        await dns.SetServicesAsync(); // back up, same records
        await MembershipWaits.UntilAsync(() => logger.Count(4006) == 1, "the recovery to be logged once");
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task DnsPoll_three_nodes_form_the_cluster_and_follow_a_record_change()
    {
        await using var dns = await Dnsmasq.StartAsync([$"127.0.0.11 {Headless}", $"127.0.0.12 {Headless}", $"127.0.0.13 {Headless}"]);
        var network = new FakeNetwork();
        var nodes = new[] { N1, N2, N3 }.ToDictionary(n => n, n => network.Node(n));
        var memberships = nodes.Values.Select(c => new ClusterMembership(c, [new DnsPollStrategy("dns", PollOptions(dns))], ClusterMembershipTests.Fast)).ToList();
        foreach (var membership in memberships)
            await membership.StartAsync(TestContext.Current.CancellationToken);

        await memberships.WaitForMembersAsync([N1, N2, N3]);
        Assert.All(nodes, n => Assert.DoesNotContain(n.Key, n.Value.Attempts));

        // N3's pod goes away: its record is removed and the others disconnect it.
        await dns.SetHostsAsync($"127.0.0.11 {Headless}", $"127.0.0.12 {Headless}");
        await memberships.Take(2).WaitForMembersAsync([N1, N2]);
        Assert.Contains(N3, nodes[N1].Disconnects);
        Assert.Contains(N3, nodes[N2].Disconnects);

        foreach (var membership in memberships)
            await membership.DisposeAsync();
    }

    [Fact]
    public async Task KubernetesDns_reads_the_headless_service_of_the_namespace()
    {
        const string name = "orders-headless.shop.svc.cluster.local";
        await using var dns = await Dnsmasq.StartAsync([$"127.0.0.11 {name}", $"127.0.0.12 {name}", $"127.0.0.13 {Headless}"]);
        var options = new KubernetesDnsOptions
        {
            Service = "orders-headless",
            Namespace = "shop",
            ApplicationName = "orders",
            Port = 4000,
            NameServer = dns.NameServer,
            PollingInterval = Poll,
        };
        var strategy = new KubernetesDnsStrategy("k8s-dns", options);
        Assert.Equal(name, strategy.QueryName);

        var network = new FakeNetwork();
        var memberships = new[] { N1, N2, N3 }.Select(n => new ClusterMembership(network.Node(n),
            [new KubernetesDnsStrategy("k8s-dns", options)], ClusterMembershipTests.Fast)).ToList();
        foreach (var membership in memberships)
            await membership.StartAsync(TestContext.Current.CancellationToken);

        // N3 answers for another namespace's service; the pods of "shop" do not list it.
        await memberships.Take(2).WaitForMembersAsync([N1, N2]);
        await dns.SetHostsAsync($"127.0.0.11 {name}", $"127.0.0.12 {name}", $"127.0.0.13 {name}");
        await memberships.WaitForMembersAsync([N1, N2, N3]);

        foreach (var membership in memberships)
            await membership.DisposeAsync();
    }

    [Fact]
    public async Task KubernetesDnsSrv_names_nodes_after_the_SRV_targets_and_ports()
    {
        const string query = "_horde._tcp.orders-headless.default.svc.cluster.local";
        static string Pod(int i) => $"orders-{i}.orders-headless.default.svc.cluster.local";
        static NodeName Node(int i) => NodeName.Create("orders", Pod(i), 4000 + i);
        await using var dns = await Dnsmasq.StartAsync([], [$"{query},{Pod(0)},4000", $"{query},{Pod(1)},4001", $"{query},{Pod(2)},4002"]);
        var options = new KubernetesDnsSrvOptions
        {
            Service = "orders-headless",
            Namespace = "default",
            ApplicationName = "orders",
            PortName = "horde",
            NameServer = dns.NameServer,
            PollingInterval = Poll,
        };
        Assert.Equal(query, new KubernetesDnsSrvStrategy("srv", options).QueryName);

        var network = new FakeNetwork();
        var memberships = new[] { Node(0), Node(1), Node(2) }.Select(n => new ClusterMembership(network.Node(n),
            [new KubernetesDnsSrvStrategy("srv", options)], ClusterMembershipTests.Fast)).ToList();
        foreach (var membership in memberships)
            await membership.StartAsync(TestContext.Current.CancellationToken);
        await memberships.WaitForMembersAsync([Node(0), Node(1), Node(2)]);

        // The StatefulSet scales down to two pods.
        await dns.SetServicesAsync($"{query},{Pod(0)},4000", $"{query},{Pod(1)},4001");
        await memberships.Take(2).WaitForMembersAsync([Node(0), Node(1)]);

        foreach (var membership in memberships)
            await membership.DisposeAsync();
    }

    [Fact]
    public async Task KubernetesDnsSrv_without_a_port_name_queries_the_service_name_itself()
    {
        const string service = "orders-headless.default.svc.cluster.local";
        const string target = "orders-0.orders-headless.default.svc.cluster.local";
        await using var dns = await Dnsmasq.StartAsync([], [$"{service},{target},4369", $"_other._tcp.{service},{target},9999"]);
        var strategy = new KubernetesDnsSrvStrategy("srv", new KubernetesDnsSrvOptions
        {
            Service = "orders-headless",
            Namespace = "default",
            ApplicationName = "orders",
            NameServer = dns.NameServer,
            PollingInterval = Poll,
        });
        Assert.Equal(service, strategy.QueryName);
        var sink = new RecordingSink(NodeName.Parse("orders@127.0.0.1:1"));
        using var stop = new CancellationTokenSource();
        var run = strategy.RunAsync(sink, stop.Token);

        await sink.WaitForAsync(NodeName.Create("orders", target, 4369));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void A_missing_setting_is_named_in_the_error()
    {
        var error = Assert.Throws<ArgumentException>(() => new DnsPollStrategy("dns", new DnsPollOptions { NodeBasename = "x", Port = 1 }));
        Assert.Contains("Query", error.Message);
        error = Assert.Throws<ArgumentException>(() => new DnsPollStrategy("dns", new DnsPollOptions { Query = "q", NodeBasename = "x" }));
        Assert.Contains("Port", error.Message);
    }
}
