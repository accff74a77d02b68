using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Horde.Net.Cluster.Tests.Transport;

public sealed class TlsTests
{
    private static readonly X509Certificate2 Certificate = CreateCertificate();

    private static void UseTls(NodeOptions options) => options.Tls = new NodeTlsOptions
    {
        Certificate = Certificate,
        RequireClientCertificate = true,
        ValidatePeer = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == Certificate.Thumbprint,
    };

    [Fact]
    public async Task Nodes_with_mutual_tls_connect_and_talk()
    {
        await using var a = await TestCluster.StartNodeAsync("tls-a", UseTls);
        await using var b = await TestCluster.StartNodeAsync("tls-b", UseTls);
        await TestCluster.ConnectAsync(a, b.Name);
        var pid = await b.StartAsync(() => new Counter(start: 5));
        Assert.Equal(5, await a.Resolve(pid).CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task A_node_without_tls_cannot_connect_to_one_with_tls()
    {
        await using var secure = await TestCluster.StartNodeAsync("tls-secure", UseTls);
        await using var plain = await TestCluster.StartNodeAsync("plain");
        Assert.False(await plain.ConnectAsync(secure.Name));
        Assert.Empty(secure.ConnectedNodes);
    }

    [Fact]
    public async Task A_tls_node_refuses_a_peer_whose_certificate_it_does_not_trust()
    {
        var stranger = CreateCertificate();
        await using var secure = await TestCluster.StartNodeAsync("tls-trusting", UseTls);
        await using var other = await TestCluster.StartNodeAsync("tls-stranger", o => o.Tls = new NodeTlsOptions
        {
            Certificate = stranger,
            RequireClientCertificate = true,
            ValidatePeer = (_, _, _, _) => true,
        });
        Assert.False(await other.ConnectAsync(secure.Name));
        Assert.Empty(secure.ConnectedNodes);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=horde-test-node", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
