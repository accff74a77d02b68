namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Settings of <see cref="ClusterMembership"/>, bound from the <c>Membership</c> section:
/// <code>
/// "Membership": {
///   "ReconnectInterval": "00:00:05",
///   "ConnectTimeout": "00:00:10",
///   "Topologies": { "k8s": { "Strategy": "KubernetesApi", "Config": { ... } } }
/// }
/// </code>
/// The topologies are read by <see cref="MembershipTopologies.FromConfiguration"/>.
/// </summary>
public sealed class ClusterMembershipOptions
{
    /// <summary>How often listed peers that are not connected are tried again, and lost connections noticed. Default 5 s.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one connection attempt (or disconnection) may take before it counts as failed. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (ReconnectInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ReconnectInterval), ReconnectInterval, "ReconnectInterval must be positive.");
        if (ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive.");
    }
}
