namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Settings of <see cref="DnsPollStrategy"/> (libcluster's <c>DNSPoll</c>):
/// <code>
/// "Topologies": { "dns": { "Strategy": "DnsPoll", "Config": {
///   "Query": "orders-headless.default.svc.cluster.local",
///   "NodeBasename": "orders",
///   "Port": 4000,
///   "PollingInterval": "00:00:05",
///   "NameServer": ""
/// } } }
/// </code>
/// </summary>
public sealed class DnsPollOptions : DnsQueryOptions
{
    /// <summary>The name whose A and AAAA records are the peers' addresses.</summary>
    public string Query { get; set; } = "";

    /// <summary>The name part of every peer: a record <c>10.0.0.7</c> gives <c>NodeBasename@10.0.0.7:Port</c>.</summary>
    public string NodeBasename { get; set; } = "";

    /// <summary>The port every node serves its transport on.</summary>
    public int Port { get; set; }
}
