using System.Globalization;
using k8s.Models;

namespace Horde.Net.Cluster.Membership;

/// <summary>Turns the API's endpoint slices, endpoints and pods into node names; ready addresses only.</summary>
internal sealed class KubernetesPeers(KubernetesApiOptions options, string @namespace)
{
    /// <summary>One ready address: its IP, the hostname the API gives it (if any), and the named transport port (if found).</summary>
    private readonly record struct Address(string Ip, string? Hostname, int? NamedPort);

    public IReadOnlySet<NodeName> From(V1EndpointSliceList list) => ToNodes(
        from slice in list.Items ?? []
        where slice.AddressType != "FQDN"
        let port = NamedPort(slice.Ports?.Select(p => ((string?)p.Name, p.Port)))
        from endpoint in slice.Endpoints ?? []
        // The API reference: a missing ready condition is to be read as ready.
        where endpoint.Conditions?.Ready != false
        from ip in endpoint.Addresses ?? []
        select new Address(ip, endpoint.Hostname, port));

    public IReadOnlySet<NodeName> From(V1EndpointsList list) => ToNodes(
        from endpoints in list.Items ?? []
        from subset in endpoints.Subsets ?? []
        let port = NamedPort(subset.Ports?.Select(p => ((string?)p.Name, (int?)p.Port)))
        // notReadyAddresses are left out on purpose.
        from address in subset.Addresses ?? []
        select new Address(address.Ip, address.Hostname, port));

    public IReadOnlySet<NodeName> From(V1PodList list) => ToNodes(
        from pod in list.Items ?? []
        where pod.Metadata?.DeletionTimestamp is null
            && pod.Status?.Phase == "Running"
            && !string.IsNullOrEmpty(pod.Status.PodIP)
            && (pod.Status.Conditions ?? []).Any(c => c.Type == "Ready" && c.Status == "True")
        let port = NamedPort(pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).Select(p => ((string?)p.Name, (int?)p.ContainerPort)))
        select new Address(pod.Status.PodIP, pod.Spec?.Hostname ?? pod.Metadata?.Name, port));

    private IReadOnlySet<NodeName> ToNodes(IEnumerable<Address> addresses)
    {
        var nodes = new HashSet<NodeName>();
        foreach (var address in addresses)
        {
            var port = options.Port > 0 ? options.Port : address.NamedPort;
            var host = HostOf(address);
            if (port is null || host is null)
                continue;
            nodes.Add(NodeName.Create(options.NodeBasename, host, port.Value));
        }
        return nodes;
    }

    private string? HostOf(Address address) => options.NodeNameMode switch
    {
        KubernetesNodeNameMode.Ip => address.Ip,
        // Kubernetes' pod A records: dots (or an IPv6 address's colons) become dashes.
        KubernetesNodeNameMode.Dns => $"{address.Ip.Replace('.', '-').Replace(':', '-')}.{@namespace}.pod.{options.ClusterDomain}",
        KubernetesNodeNameMode.Hostname => string.IsNullOrEmpty(address.Hostname)
            ? null
            : $"{address.Hostname}.{options.ServiceName}.{@namespace}.svc.{options.ClusterDomain}",
        _ => throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Unknown node name mode {options.NodeNameMode}.")),
    };

    private int? NamedPort(IEnumerable<(string? Name, int? Port)>? ports) =>
        ports?.FirstOrDefault(p => p.Name == options.PortName && p.Port is > 0 and <= 65535).Port;
}
