using System.Net.Http.Headers;
using k8s.Authentication;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Reads the pod's service-account token from its file, again every minute: the kubelet rotates
/// projected tokens, so a token read once at start-up expires (after an hour by default).
/// </summary>
internal sealed class ServiceAccountTokenProvider(string tokenFile, TimeProvider time) : ITokenProvider
{
    private static readonly TimeSpan s_reread = TimeSpan.FromMinutes(1);
    private AuthenticationHeaderValue? _header;
    private DateTimeOffset _readAt;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_header is null || now - _readAt > s_reread)
        {
            if (!File.Exists(tokenFile))
                throw new FileNotFoundException($"The service account token {tokenFile} does not exist; is automountServiceAccountToken off?", tokenFile);
            var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();
            _header = new AuthenticationHeaderValue("Bearer", token);
            _readAt = now;
        }
        return _header;
    }
}
