namespace Horde.Net.Cluster.Membership;

/// <summary>Where a pod finds its service account and namespace.</summary>
public static class KubernetesEnvironment
{
    /// <summary>The folder Kubernetes mounts the service account token, CA and namespace into.</summary>
    public const string ServiceAccountFolder = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>The environment variable the deployment sets from the downward API to the pod's namespace.</summary>
    public const string NamespaceVariable = "POD_NAMESPACE";

    /// <summary>The environment variable the deployment sets from the downward API to the pod's IP address.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>
    /// The namespace to look in: <paramref name="configured"/> when set, else <c>POD_NAMESPACE</c>,
    /// else the service account's namespace file, else <c>default</c>.
    /// </summary>
    public static string ResolveNamespace(string? configured, string? namespaceFile = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        var fromEnvironment = Environment.GetEnvironmentVariable(NamespaceVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return fromEnvironment.Trim();
        var file = namespaceFile ?? Path.Combine(ServiceAccountFolder, "namespace");
        return File.Exists(file) ? File.ReadAllText(file).Trim() : "default";
    }

    /// <summary>
    /// This pod's node name, <c>basename@$POD_IP:port</c>, as the other pods' strategies in <see cref="KubernetesNodeNameMode.Ip"/>
    /// mode will list it; null when <c>POD_IP</c> is not set (not in a pod, or the deployment lacks the downward API entry).
    /// </summary>
    public static NodeName? PodNodeName(string basename, int port)
    {
        var ip = Environment.GetEnvironmentVariable(PodIpVariable);
        return string.IsNullOrWhiteSpace(ip) ? null : NodeName.Create(basename, ip.Trim(), port);
    }
}
