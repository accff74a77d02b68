namespace Horde.Net.Cluster.Membership;

/// <summary>Helpers for names the DNS and Kubernetes strategies build.</summary>
internal static class DnsNames
{
    public static int ValidPort(int port, string topology) =>
        port is >= 1 and <= 65535
            ? port
            : throw new ArgumentException($"Topology '{topology}': the setting Port must be between 1 and 65535 (it is {port}).", "Port");

    /// <summary><c>service.namespace.svc.clusterDomain</c>, unless <paramref name="service"/> is already a dotted name.</summary>
    public static string ServiceName(string service, string @namespace, string clusterDomain) =>
        service.Contains('.', StringComparison.Ordinal) ? service.TrimEnd('.') : $"{service}.{@namespace}.svc.{clusterDomain}";
}
