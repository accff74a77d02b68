namespace Horde.Net.Cluster.Membership;

/// <summary>Settings every DNS strategy shares.</summary>
public abstract class DnsQueryOptions
{
    /// <summary>How often the records are read again. Default 5 s.</summary>
    public TimeSpan PollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The DNS server to ask, <c>host:port</c> with an IP address (<c>10.96.0.10:53</c>, <c>[::1]:5353</c>);
    /// empty to use the system's resolvers. Tests point it at a DNS server on a loopback port.
    /// </summary>
    public string? NameServer { get; set; }

    /// <summary>How long one query may take. Default 2 s.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
