namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Settings of <see cref="GossipStrategy"/> (libcluster's <c>Gossip</c>):
/// <code>
/// "Topologies": { "gossip": { "Strategy": "Gossip", "Config": {
///   "MulticastAddress": "233.252.1.32",
///   "Port": 45892,
///   "MulticastTtl": 1,
///   "MulticastInterface": "0.0.0.0",
///   "Secret": "",
///   "HeartbeatInterval": "00:00:01",
///   "PeerTimeout": "00:00:05"
/// } } }
/// </code>
/// </summary>
public sealed class GossipOptions
{
    /// <summary>The IPv4 multicast group heartbeats go to. Default <c>233.252.1.32</c>, libcluster's.</summary>
    public string MulticastAddress { get; set; } = "233.252.1.32";

    /// <summary>The UDP port every node listens on. Default 45892, libcluster's.</summary>
    public int Port { get; set; } = 45892;

    /// <summary>How many routers a heartbeat may cross; 1 (the default) keeps it on the local network, 0 on this host.</summary>
    public int MulticastTtl { get; set; } = 1;

    /// <summary>The IPv4 address of the interface to send and listen on; <c>0.0.0.0</c> (the default) lets the system choose.</summary>
    public string MulticastInterface { get; set; } = "0.0.0.0";

    /// <summary>
    /// A secret every node of the cluster shares; when set, heartbeats are encrypted and authenticated with
    /// AES-GCM and any heartbeat not sealed with the same secret is ignored. Empty (the default) sends them in clear.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>How often this node announces itself. Default 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A peer not heard from for this long is dropped. Default 5 s.</summary>
    public TimeSpan PeerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far a sealed heartbeat's clock may be from ours; older ones are replays and ignored. Default 30 s.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
