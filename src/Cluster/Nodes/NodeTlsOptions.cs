using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Horde.Net.Cluster;

/// <summary>
/// TLS between nodes, on top of the cookie: the listener presents <see cref="Certificate"/>; with
/// <see cref="RequireClientCertificate"/> the dialer presents it too (mutual TLS).
/// </summary>
public sealed class NodeTlsOptions
{
    /// <summary>This node's certificate, with its private key: served to dialers and, for mutual TLS, presented to listeners.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Whether a dialing node must present a certificate too.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>
    /// Decides whether a peer's certificate is trusted (both directions). Null uses the machine's trust store and, for
    /// the dialer, checks the listener's certificate against its host name.
    /// </summary>
    public RemoteCertificateValidationCallback? ValidatePeer { get; init; }
}
