using System.Globalization;
using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace Horde.Net.Cluster.Membership;

/// <summary>The DNS queries the DNS strategies make, through DnsClient.</summary>
internal sealed class DnsLookup
{
    private readonly LookupClient _client;

    public DnsLookup(DnsQueryOptions options)
    {
        var clientOptions = string.IsNullOrWhiteSpace(options.NameServer)
            ? new LookupClientOptions()
            : new LookupClientOptions(ParseEndPoint(options.NameServer));
        // Membership must see a record change on the next poll, never a cached answer.
        clientOptions.UseCache = false;
        clientOptions.Timeout = options.QueryTimeout;
        clientOptions.Retries = 1;
        clientOptions.ThrowDnsErrors = false;
        _client = new LookupClient(clientOptions);
    }

    /// <summary>The A and AAAA addresses of <paramref name="name"/>; none when the name does not exist.</summary>
    /// <exception cref="DnsResponseException">The server failed (other than "no such name") or did not answer.</exception>
    public async Task<IReadOnlyList<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken)
    {
        var a = QueryAsync(name, QueryType.A, cancellationToken);
        var aaaa = QueryAsync(name, QueryType.AAAA, cancellationToken);
        var records = (await a).OfType<ARecord>().Select(r => r.Address)
            .Concat((await aaaa).OfType<AaaaRecord>().Select(r => r.Address));
        return [.. records.Distinct()];
    }

    /// <summary>The SRV records of <paramref name="name"/>; none when the name does not exist.</summary>
    public async Task<IReadOnlyList<SrvRecord>> ServicesAsync(string name, CancellationToken cancellationToken) =>
        [.. (await QueryAsync(name, QueryType.SRV, cancellationToken)).OfType<SrvRecord>()];

    private async Task<IReadOnlyCollection<DnsResourceRecord>> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        var response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken);
        if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            return [];
        if (response.HasError)
            throw new DnsResponseException((DnsResponseCode)response.Header.ResponseCode, $"DNS query {type} {name} failed: {response.ErrorMessage}");
        return response.Answers;
    }

    private static IPEndPoint ParseEndPoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endPoint))
        {
            if (endPoint.Port == 0)
                endPoint.Port = 53;
            return endPoint;
        }
        throw new FormatException(string.Create(CultureInfo.InvariantCulture,
            $"NameServer '{text}' is not an IP address with an optional port, such as 10.96.0.10:53 or [::1]:5353."));
    }
}
