using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.Configuration;

namespace Horde.Net.Cluster.Tests.Membership;

public sealed class MembershipTopologiesTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Builds_one_strategy_per_topology_with_its_settings_bound()
    {
        var config = Config(
            ("Topologies:local:Strategy", "Static"),
            ("Topologies:local:Config:Nodes:0", "a@127.0.0.1:4000"),
            ("Topologies:local:Config:Nodes:1", "b@127.0.0.1:4001"),
            ("Topologies:local:Config:NodesEnvironmentVariable", ""),
            ("Topologies:dns:Strategy", "dnspoll"),
            ("Topologies:dns:Config:Query", "orders-headless"),
            ("Topologies:dns:Config:NodeBasename", "orders"),
            ("Topologies:dns:Config:Port", "4369"),
            ("Topologies:dns:Config:PollingInterval", "00:00:02"),
            ("Topologies:srv:Strategy", "KubernetesDnsSrv"),
            ("Topologies:srv:Config:Service", "orders-headless"),
            ("Topologies:srv:Config:Namespace", "shop"),
            ("Topologies:srv:Config:ApplicationName", "orders"),
            ("Topologies:srv:Config:PortName", "horde"),
            ("Topologies:k8s:Strategy", "KubernetesApi"),
            ("Topologies:k8s:Config:Selector", "app=orders"),
            ("Topologies:k8s:Config:NodeBasename", "orders"),
            ("Topologies:k8s:Config:Mode", "Pods"),
            ("Topologies:k8s:Config:ApiServer", "http://127.0.0.1:1"),
            ("Topologies:gossip:Strategy", "Gossip"),
            ("Topologies:gossip:Config:Secret", "s"));

        var strategies = MembershipTopologies.FromConfiguration(config.GetSection("Topologies"));

        Assert.Equal(["dns", "gossip", "k8s", "local", "srv"], strategies.Select(s => s.Topology).Order());
        var local = Assert.IsType<StaticStrategy>(strategies.Single(s => s.Topology == "local"));
        Assert.Equal([NodeName.Parse("a@127.0.0.1:4000"), NodeName.Parse("b@127.0.0.1:4001")], local.Nodes.Order());
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.IsType<DnsPollStrategy>(strategies.Single(s => s.Topology == "dns")).PollingInterval);
        Assert.Equal("_horde._tcp.orders-headless.shop.svc.cluster.local",
            Assert.IsType<KubernetesDnsSrvStrategy>(strategies.Single(s => s.Topology == "srv")).QueryName);
        using var k8s = Assert.IsType<KubernetesApiStrategy>(strategies.Single(s => s.Topology == "k8s"));
        Assert.IsType<GossipStrategy>(strategies.Single(s => s.Topology == "gossip"));
    }

    [Fact]
    public void An_unknown_strategy_or_a_misspelt_setting_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            MembershipTopologies.FromConfiguration(Config(("T:x:Strategy", "Epmd")).GetSection("T")));
        Assert.Contains("Epmd", error.Message);
        Assert.Contains("KubernetesApi", error.Message);

        var misspelt = Assert.Throws<InvalidOperationException>(() => MembershipTopologies.FromConfiguration(Config(
            ("T:x:Strategy", "Static"), ("T:x:Config:Node", "a@127.0.0.1:1")).GetSection("T")));
        Assert.Contains("Node", misspelt.Message);
    }

    [Fact]
    public void The_membership_options_bind_from_configuration()
    {
        var options = new ClusterMembershipOptions();
        Config(("ReconnectInterval", "00:00:01"), ("ConnectTimeout", "00:00:03")).Bind(options);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)), (options.ReconnectInterval, options.ConnectTimeout));
    }
}
