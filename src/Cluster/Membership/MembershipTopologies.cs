using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Builds strategies from configuration, one per topology, as libcluster's <c>topologies</c>:
/// <code>
/// "Topologies": {
///   "local":  { "Strategy": "Static",           "Config": { "Nodes": [ "a@127.0.0.1:4000" ] } },
///   "dns":    { "Strategy": "DnsPoll",          "Config": { "Query": "orders-headless", "NodeBasename": "orders", "Port": 4000 } },
///   "k8sdns": { "Strategy": "KubernetesDns",    "Config": { "Service": "orders-headless", "ApplicationName": "orders", "Port": 4000 } },
///   "srv":    { "Strategy": "KubernetesDnsSrv", "Config": { "Service": "orders-headless", "ApplicationName": "orders" } },
///   "k8s":    { "Strategy": "KubernetesApi",    "Config": { "Selector": "app=orders", "NodeBasename": "orders" } },
///   "gossip": { "Strategy": "Gossip",           "Config": { "Secret": "…" } }
/// }
/// </code>
/// From environment variables the same reads <c>Horde__Membership__Topologies__k8s__Strategy=KubernetesApi</c>.
/// </summary>
public static class MembershipTopologies
{
    /// <summary>The strategy names <c>Strategy</c> accepts (case-insensitive).</summary>
    public static IReadOnlyList<string> StrategyNames { get; } = ["Static", "DnsPoll", "KubernetesDns", "KubernetesDnsSrv", "KubernetesApi", "Gossip"];

    /// <summary>Creates one strategy for each child of <paramref name="topologies"/>.</summary>
    /// <param name="topologies">The <c>Topologies</c> section.</param>
    /// <param name="loggerFactory">Creates each strategy's logger.</param>
    /// <exception cref="ArgumentException">A topology names an unknown strategy or misses a required setting.</exception>
    public static IReadOnlyList<IMembershipStrategy> FromConfiguration(IConfiguration topologies, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(topologies);
        loggerFactory ??= NullLoggerFactory.Instance;
        return [.. topologies.GetChildren().Select(section => Create(section, loggerFactory))];
    }

    internal static IMembershipStrategy Create(IConfigurationSection topology, ILoggerFactory loggerFactory)
    {
        var name = topology.Key;
        var config = topology.GetSection("Config");
        var strategy = topology["Strategy"];
        ILogger Logger<T>() => loggerFactory.CreateLogger<T>();
        return strategy?.ToUpperInvariant() switch
        {
            "STATIC" => new StaticStrategy(name, Bind<StaticOptions>(config)),
            "DNSPOLL" => new DnsPollStrategy(name, Bind<DnsPollOptions>(config), Logger<DnsPollStrategy>()),
            "KUBERNETESDNS" => new KubernetesDnsStrategy(name, Bind<KubernetesDnsOptions>(config), Logger<KubernetesDnsStrategy>()),
            "KUBERNETESDNSSRV" => new KubernetesDnsSrvStrategy(name, Bind<KubernetesDnsSrvOptions>(config), Logger<KubernetesDnsSrvStrategy>()),
            "KUBERNETESAPI" => new KubernetesApiStrategy(name, Bind<KubernetesApiOptions>(config), Logger<KubernetesApiStrategy>()),
            "GOSSIP" => new GossipStrategy(name, Bind<GossipOptions>(config), Logger<GossipStrategy>()),
            _ => throw new ArgumentException(
                $"Topology '{name}': Strategy '{strategy}' is not one of {string.Join(", ", StrategyNames)}.", nameof(topology)),
        };
    }

    private static T Bind<T>(IConfigurationSection section) where T : new()
    {
        var options = new T();
        section.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        return options;
    }
}
