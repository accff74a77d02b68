using Horde.Net.Cluster.Hosting;
using Horde.Net.Cluster.Membership;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>The manifests in deploy/, parsed with KubernetesClient's YAML loader, agree with the code that reads them.</summary>
public sealed class DeployManifestTests
{
    private static readonly Lazy<List<object>> s_objects = new(() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "deploy"), "*.yaml")
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file)))]);

    private static T One<T>() => Assert.Single(s_objects.Value.OfType<T>());

    private static V1Container Container => Assert.Single(One<V1Deployment>().Spec.Template.Spec.Containers);

    [Fact]
    public void Every_manifest_parses_into_typed_objects()
    {
        Assert.Equal(
            ["V1Deployment", "V1Role", "V1RoleBinding", "V1Service", "V1ServiceAccount"],
            s_objects.Value.Select(o => o.GetType().Name).Order());
    }

    [Fact]
    public void The_role_grants_what_every_lookup_mode_lists_and_is_bound_to_the_pods_service_account()
    {
        var role = One<V1Role>();
        foreach (var mode in Enum.GetValues<KubernetesLookupMode>())
        {
            var group = mode == KubernetesLookupMode.EndpointSlices ? "discovery.k8s.io" : "";
            Assert.Contains(role.Rules, r => r.ApiGroups.Contains(group)
                && r.Resources.Contains(KubernetesApiStrategy.ResourceOf(mode))
                && new[] { "get", "list", "watch" }.All(r.Verbs.Contains));
        }
        var binding = One<V1RoleBinding>();
        Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", One<V1ServiceAccount>().Metadata.Name), (subject.Kind, subject.Name));
        Assert.Equal(subject.Name, One<V1Deployment>().Spec.Template.Spec.ServiceAccountName);
    }

    [Fact]
    public void The_headless_service_selects_the_pods_and_names_the_transport_port_as_the_strategies_expect()
    {
        var service = One<V1Service>();
        var podLabels = One<V1Deployment>().Spec.Template.Metadata.Labels;
        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.All(service.Spec.Selector, l => Assert.Equal(l.Value, podLabels[l.Key]));
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(KubernetesApiOptions.DefaultPortName, port.Name);
        Assert.Equal(KubernetesApiOptions.DefaultPortName, port.TargetPort.Value);
        var containerPort = Assert.Single(Container.Ports, p => p.Name == KubernetesApiOptions.DefaultPortName);
        Assert.Equal(port.Port, containerPort.ContainerPort);
    }

    [Fact]
    public void Kubernetes_waits_longer_than_the_drain_before_it_kills_a_pod()
    {
        var drain = Container.Env.FirstOrDefault(e => e.Name == "Horde__DrainTimeout")?.Value is { } configured
            ? TimeSpan.Parse(configured, System.Globalization.CultureInfo.InvariantCulture)
            : new NodeOptions().DrainTimeout;
        var grace = TimeSpan.FromSeconds(One<V1Deployment>().Spec.Template.Spec.TerminationGracePeriodSeconds ?? 30);
        // The drain, then the processes' own shutdown (5 s each by default) and the goodbye, all before SIGKILL.
        Assert.True(grace >= drain + TimeSpan.FromSeconds(5), $"terminationGracePeriodSeconds ({grace.TotalSeconds:0} s) must exceed the drain timeout ({drain.TotalSeconds:0} s) by at least 5 s");
        Assert.Null(Container.Lifecycle?.PreStop); // SIGTERM starts the drain; a preStop sleep only delays it
    }

    [Fact]
    public void The_headless_service_publishes_pods_that_are_not_ready_yet()
    {
        Assert.True(One<V1Service>().Spec.PublishNotReadyAddresses);
    }

    [Fact]
    public void The_downward_API_sets_the_variables_the_code_reads()
    {
        var env = Container.Env.ToDictionary(e => e.Name);
        Assert.Equal("status.podIP", env[KubernetesEnvironment.PodIpVariable].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", env[KubernetesEnvironment.NamespaceVariable].ValueFrom.FieldRef.FieldPath);
        var port = Assert.Single(Container.Ports, p => p.Name == KubernetesApiOptions.DefaultPortName).ContainerPort;
        Assert.Equal($"orders@$({KubernetesEnvironment.PodIpVariable}):{port}", env[$"Horde__{nameof(HordeOptions.Name)}"].Value);
        Assert.NotNull(env[$"Horde__{nameof(HordeOptions.Cookie)}"].ValueFrom.SecretKeyRef); // a secret, never in the manifest
    }

    [Fact]
    public void The_topology_in_the_environment_binds_and_selects_the_services_labels_and_port()
    {
        // As the environment-variable configuration provider reads them: "__" separates sections.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Container.Env.Where(e => e.Value is not null && e.Name.StartsWith("Horde__", StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Name.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build();
        var topology = configuration.GetSection("Horde:Membership:Topologies:k8s");
        Assert.Equal("KubernetesApi", topology["Strategy"]);
        var options = new KubernetesApiOptions();
        topology.GetSection("Config").Bind(options, o => o.ErrorOnUnknownConfiguration = true);

        var serviceLabels = One<V1Service>().Metadata.Labels;
        Assert.All(options.Selector.Split(','), term =>
        {
            var (key, value) = (term.Split('=')[0], term.Split('=')[1]);
            Assert.Equal(value, serviceLabels[key]); // EndpointSlices and Endpoints carry the service's labels
            Assert.Equal(value, One<V1Deployment>().Spec.Template.Metadata.Labels[key]); // Pods mode
        });
        Assert.Contains(One<V1Service>().Spec.Ports, p => p.Name == options.PortName);
        Assert.Equal("orders", options.NodeBasename);
    }
}
