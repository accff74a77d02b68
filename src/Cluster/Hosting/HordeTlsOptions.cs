namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// TLS between nodes from configuration (<c>Horde:Tls</c>): a PEM certificate and key, or a PKCS#12 file. Peers are
/// checked against the machine's trust store; for another check set <see cref="NodeTlsOptions.ValidatePeer"/> in code
/// with <see cref="HordeBuilder.ConfigureNode"/>.
/// </summary>
public sealed class HordeTlsOptions
{
    /// <summary>The node's certificate: a PEM file (with <see cref="KeyPath"/>) or a PKCS#12 (<c>.pfx</c>/<c>.p12</c>) file.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/>; empty for a PKCS#12 file.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Whether dialing nodes must present a certificate too (mutual TLS).</summary>
    public bool RequireClientCertificate { get; set; }
}
