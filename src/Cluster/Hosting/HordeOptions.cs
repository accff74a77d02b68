using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// The node's settings as they bind from configuration, the <c>Horde</c> section:
/// <code>
/// "Horde": {
///   "Name": "orders@10.0.0.5:4369",
///   "Cookie": "…",
///   "DrainTimeout": "00:00:20",
///   "Membership": { "Topologies": { "k8s": { "Strategy": "KubernetesDns", "Config": { "Service": "orders-headless", "ApplicationName": "orders", "Port": 4369 } } } }
/// }
/// </code>
/// or from environment variables: <c>Horde__Name</c>, <c>Horde__Cookie</c>,
/// <c>Horde__Membership__Topologies__k8s__Strategy=KubernetesDns</c>, … Every duration is a <see cref="TimeSpan"/>
/// (<c>00:00:05</c>). The defaults are those of <see cref="NodeOptions"/>.
/// </summary>
public sealed class HordeOptions
{
    private static readonly NodeOptions Defaults = new();

    /// <summary>The node's name, <c>name@host:port</c>; required. The port is where it listens for other nodes.</summary>
    public NodeName Name { get; set; }

    /// <summary>The secret every node of the cluster shares; required.</summary>
    public string? Cookie { get; set; }

    /// <summary>The IP address to listen on; by default the host of <see cref="Name"/> if it is an IP address, else every address.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>The port to listen on when it differs from the port of <see cref="Name"/>.</summary>
    public int? ListenPort { get; set; }

    /// <summary>See <see cref="NodeOptions.CallTimeout"/>.</summary>
    public TimeSpan CallTimeout { get; set; } = Defaults.CallTimeout;

    /// <summary>See <see cref="NodeOptions.HeartbeatInterval"/>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = Defaults.HeartbeatInterval;

    /// <summary>See <see cref="NodeOptions.FailureThreshold"/>.</summary>
    public TimeSpan FailureThreshold { get; set; } = Defaults.FailureThreshold;

    /// <summary>See <see cref="NodeOptions.ConnectTimeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = Defaults.ConnectTimeout;

    /// <summary>
    /// How long a stop may drain (see <see cref="NodeOptions.DrainTimeout"/>); under the host it is cut to leave the
    /// node time to stop its processes and say goodbye within <c>HostOptions.ShutdownTimeout</c>.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = Defaults.DrainTimeout;

    /// <summary>See <see cref="NodeOptions.MaxFrameBytes"/>.</summary>
    public int MaxFrameBytes { get; set; } = Defaults.MaxFrameBytes;

    /// <summary>TLS between nodes; none by default.</summary>
    public HordeTlsOptions? Tls { get; set; }

    /// <summary>Membership retry settings; the topologies are read from <c>Membership:Topologies</c> by <see cref="MembershipTopologies"/>.</summary>
    public ClusterMembershipOptions Membership { get; set; } = new();

    /// <summary>
    /// Names of assemblies whose <c>[MessagePackObject]</c> types may cross the network, besides those registered in
    /// code with <see cref="HordeBuilder.AddMessageTypesFrom"/>.
    /// </summary>
    public List<string> MessageAssemblies { get; set; } = [];
}
