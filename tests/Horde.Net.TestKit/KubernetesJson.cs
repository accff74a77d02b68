using System.Text.Json;

namespace Horde.Net.TestKit;

/// <summary>
/// List responses in the shapes of the Kubernetes API reference (discovery.k8s.io/v1 EndpointSliceList,
/// v1 EndpointsList, v1 PodList), with the fields a real cluster fills in, not only the ones read.
/// </summary>
public static class KubernetesJson
{
    public sealed record Pod(string Name, string Ip, bool Ready = true, string Phase = "Running");

    private static readonly object[] s_slicePorts =
    [
        new { name = "http", protocol = "TCP", port = 8080 },
        new { name = "horde", protocol = "TCP", port = 4369 },
    ];

    public static string EndpointSlices(string ns, params Pod[] pods) => JsonSerializer.Serialize(new
    {
        kind = "EndpointSliceList",
        apiVersion = "discovery.k8s.io/v1",
        metadata = new { resourceVersion = "48213" },
        items = new[]
        {
            new
            {
                kind = "EndpointSlice",
                apiVersion = "discovery.k8s.io/v1",
                metadata = new
                {
                    name = "orders-headless-7xk2p",
                    generateName = "orders-headless-",
                    @namespace = ns,
                    uid = "9c1a3f1e-2b7d-4f43-9a55-3d0c2f6f0e11",
                    resourceVersion = "48210",
                    labels = new Dictionary<string, string>
                    {
                        ["app"] = "orders",
                        ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
                        ["kubernetes.io/service-name"] = "orders-headless",
                        ["service.kubernetes.io/headless"] = "",
                    },
                    ownerReferences = new[] { new { apiVersion = "v1", kind = "Service", name = "orders-headless", uid = "0b5e2d3c-8f7a-4c1e-9d6b-2a4f1e3c5d7b", controller = true, blockOwnerDeletion = true } },
                },
                addressType = "IPv4",
                endpoints = pods.Select(p => new
                {
                    addresses = new[] { p.Ip },
                    conditions = new { ready = p.Ready, serving = p.Ready, terminating = !p.Ready },
                    hostname = p.Name,
                    targetRef = new { kind = "Pod", @namespace = ns, name = p.Name, uid = "5f0c6a1e-0000-4b3a-8c2d-1e0f9a8b7c6d" },
                    nodeName = "worker-1",
                    zone = "zone-a",
                }),
                ports = s_slicePorts,
            },
        },
    });

    public static string Endpoints(string ns, params Pod[] pods) => JsonSerializer.Serialize(new
    {
        kind = "EndpointsList",
        apiVersion = "v1",
        metadata = new { resourceVersion = "48213" },
        items = new[]
        {
            new
            {
                metadata = new
                {
                    name = "orders-headless",
                    @namespace = ns,
                    uid = "3e2d1c0b-aaaa-4bbb-8ccc-1d2e3f4a5b6c",
                    resourceVersion = "48211",
                    labels = new Dictionary<string, string> { ["app"] = "orders", ["service.kubernetes.io/headless"] = "" },
                    annotations = new Dictionary<string, string> { ["endpoints.kubernetes.io/last-change-trigger-time"] = "2026-11-23T10:00:00Z" },
                },
                subsets = new[]
                {
                    new
                    {
                        addresses = pods.Where(p => p.Ready).Select(p => Address(ns, p)),
                        notReadyAddresses = pods.Where(p => !p.Ready).Select(p => Address(ns, p)),
                        ports = new[] { new { name = "horde", port = 4369, protocol = "TCP" }, new { name = "http", port = 8080, protocol = "TCP" } },
                    },
                },
            },
        },
    });

    public static string Pods(string ns, params Pod[] pods) => JsonSerializer.Serialize(new
    {
        kind = "PodList",
        apiVersion = "v1",
        metadata = new { resourceVersion = "48213" },
        items = pods.Select(p => new
        {
            metadata = new
            {
                name = p.Name,
                generateName = "orders-",
                @namespace = ns,
                uid = "7a6b5c4d-1111-4e3f-9a8b-7c6d5e4f3a2b",
                labels = new Dictionary<string, string> { ["app"] = "orders", ["pod-template-hash"] = "5d8f7c9b6" },
            },
            spec = new
            {
                hostname = p.Name,
                subdomain = "orders-headless",
                serviceAccountName = "orders",
                containers = new[]
                {
                    new
                    {
                        name = "orders",
                        image = "ghcr.io/example/orders:1.0",
                        ports = new[] { new { name = "http", containerPort = 8080, protocol = "TCP" }, new { name = "horde", containerPort = 4369, protocol = "TCP" } },
                    },
                },
            },
            status = new
            {
                phase = p.Phase,
                podIP = p.Ip,
                podIPs = new[] { new { ip = p.Ip } },
                hostIP = "192.0.2.10",
                startTime = "2026-11-23T10:00:00Z",
                conditions = new[]
                {
                    new { type = "PodScheduled", status = "True" },
                    new { type = "Initialized", status = "True" },
                    new { type = "ContainersReady", status = p.Ready ? "True" : "False" },
                    new { type = "Ready", status = p.Ready ? "True" : "False" },
                },
            },
        }),
    });

    private static object Address(string ns, Pod p) =>
        new { ip = p.Ip, hostname = p.Name, nodeName = "worker-1", targetRef = new { kind = "Pod", @namespace = ns, name = p.Name } };
}
