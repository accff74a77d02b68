using k8s;
using k8s.Models;

namespace ExCluster.Tests;

/// <summary>The k8s/ manifests, loaded with KubernetesClient's YAML loader (what kubectl would be sent).</summary>
public sealed class ManifestTests
{
    private static async Task<List<object>> LoadAsync() =>
        [.. (await Task.WhenAll(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "k8s"), "*.yaml")
            .Select(f => KubernetesYaml.LoadAllFromFileAsync(f)))).SelectMany(o => o)];

    [Fact]
    public async Task The_deployment_runs_three_replicas_rolling_with_readiness_on_health_ready_and_a_grace_period_above_the_drain()
    {
        var deployment = Assert.Single((await LoadAsync()).OfType<V1Deployment>());
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable?.Value);

        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Contains(container.Ports, p => p.Name == container.ReadinessProbe.HttpGet.Port.Value);

        var env = container.Env.ToDictionary(e => e.Name);
        Assert.Equal("status.podIP", env["POD_IP"].ValueFrom.FieldRef.FieldPath);
        Assert.Contains("$(POD_IP)", env["Horde__Name"].Value, StringComparison.Ordinal);
        Assert.NotNull(env["Horde__Cookie"].ValueFrom.SecretKeyRef);
        var drain = TimeSpan.Parse(env["Horde__DrainTimeout"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var shutdown = TimeSpan.Parse(env["HostOptions__ShutdownTimeout"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(shutdown > drain, $"the host's shutdown timeout {shutdown} must leave time after the drain {drain}");
        Assert.True(TimeSpan.FromSeconds(pod.TerminationGracePeriodSeconds!.Value) > shutdown,
            $"terminationGracePeriodSeconds {pod.TerminationGracePeriodSeconds} must exceed the shutdown timeout {shutdown} (the drain is {drain})");
    }

    [Fact]
    public async Task The_service_is_headless_and_selects_the_pods_and_the_membership_may_read_what_its_strategy_reads()
    {
        var objects = await LoadAsync();
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        var headless = Assert.Single(objects.OfType<V1Service>(), s => s.Spec.ClusterIP == "None");
        Assert.All(headless.Spec.Selector, label => Assert.Equal(label.Value, deployment.Spec.Template.Metadata.Labels[label.Key]));
        Assert.Contains(headless.Spec.Ports, p => p.Name == "horde");

        var env = deployment.Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);
        var strategy = env.Single(e => e.Key.StartsWith("Horde__Membership__Topologies__", StringComparison.Ordinal) && e.Key.EndsWith("__Strategy", StringComparison.Ordinal)).Value;
        if (strategy == "KubernetesApi")
        {
            var account = deployment.Spec.Template.Spec.ServiceAccountName;
            var binding = Assert.Single(objects.OfType<V1RoleBinding>());
            Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account);
            var role = Assert.Single(objects.OfType<V1Role>(), r => r.Metadata.Name == binding.RoleRef.Name);
            Assert.Contains(role.Rules, r => r.Resources.Contains("endpointslices") && r.Verbs.Contains("list"));
        }
        else
        {
            Assert.Equal("KubernetesDns", strategy);
            Assert.Equal(headless.Metadata.Name, env.Single(e => e.Key.EndsWith("__Config__Service", StringComparison.Ordinal)).Value);
        }
    }
}
