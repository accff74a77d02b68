using k8s;
using k8s.Models;

namespace Tanx.Tests;

/// <summary>The manifests of samples/Tanx/k8s, loaded with KubernetesClient's YAML loader as kubectl would read them.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(RepositoryRoot(), "samples", "Tanx");

    private static List<object> Load(string file) => [.. KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Folder, "k8s", file)))];

    [Fact]
    public void The_deployment_runs_three_replicas_rolling_one_at_a_time_with_probes_on_the_health_endpoints()
    {
        var deployment = Assert.Single(Load("deployment.yaml").OfType<V1Deployment>());
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal("1", deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal("1", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal("KubernetesApi", env["Horde__Membership__Topologies__k8s__Strategy"].Value);
        Assert.Equal("app=tanx", env["Horde__Membership__Topologies__k8s__Config__Selector"].Value);
        Assert.Equal("tanx-horde", env["Horde__Cookie"].ValueFrom.SecretKeyRef.Name);
        var hordePort = Assert.Single(container.Ports, p => p.Name == env["Horde__Membership__Topologies__k8s__Config__PortName"].Value);
        Assert.EndsWith($":{hordePort.ContainerPort}", env["Horde__Name"].Value, StringComparison.Ordinal);
        Assert.Equal(deployment.Spec.Selector.MatchLabels["app"], deployment.Spec.Template.Metadata.Labels["app"]);
        // The grace period covers the drain.
        Assert.True(deployment.Spec.Template.Spec.TerminationGracePeriodSeconds > TimeSpan.Parse(env["Horde__DrainTimeout"].Value, System.Globalization.CultureInfo.InvariantCulture).TotalSeconds);
    }

    [Fact]
    public void The_service_account_may_read_endpoint_slices_endpoints_and_pods_and_nothing_else()
    {
        var objects = Load("rbac.yaml");
        var account = Assert.Single(objects.OfType<V1ServiceAccount>());
        var role = Assert.Single(objects.OfType<V1Role>());
        var binding = Assert.Single(objects.OfType<V1RoleBinding>());
        var deployment = Assert.Single(Load("deployment.yaml").OfType<V1Deployment>());
        Assert.Equal(account.Metadata.Name, deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.Equal(account.Metadata.Name, Assert.Single(binding.Subjects).Name);
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        Assert.Equal(["endpoints", "endpointslices", "pods"], role.Rules.SelectMany(r => r.Resources).Order());
        Assert.All(role.Rules, r => Assert.Equal(["get", "list", "watch"], r.Verbs.Order()));
    }

    [Fact]
    public void The_services_select_the_pods_and_name_their_ports()
    {
        var services = Load("service.yaml").OfType<V1Service>().ToList();
        var deployment = Assert.Single(Load("deployment.yaml").OfType<V1Deployment>());
        var ports = Assert.Single(deployment.Spec.Template.Spec.Containers).Ports.Select(p => p.Name).ToList();
        Assert.Equal(2, services.Count);
        Assert.All(services, s => Assert.Equal("tanx", s.Spec.Selector["app"]));
        Assert.All(services.SelectMany(s => s.Spec.Ports), p => Assert.Contains(p.TargetPort.Value, ports));
        Assert.Equal("None", Assert.Single(services, s => s.Metadata.Name == "tanx-horde").Spec.ClusterIP);
        var dockerfile = File.ReadAllText(Path.Combine(Folder, "Dockerfile"));
        Assert.Contains("EXPOSE 8080 4369", dockerfile, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Horde.Net.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("no repository above " + AppContext.BaseDirectory);
    }
}
