using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

public sealed class KubernetesEnvironmentTests
{
    [Fact]
    public void The_namespace_comes_from_configuration_then_the_service_account_file_then_default()
    {
        // POD_NAMESPACE is left alone here: other tests in this process rely on it being unset.
        Assert.SkipWhen(Environment.GetEnvironmentVariable(KubernetesEnvironment.NamespaceVariable) is not null, "POD_NAMESPACE is set");
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "shop\n");
            Assert.Equal("configured", KubernetesEnvironment.ResolveNamespace("configured", file));
            Assert.Equal("shop", KubernetesEnvironment.ResolveNamespace(null, file));
            Assert.Equal("default", KubernetesEnvironment.ResolveNamespace("", file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_pod_node_name_is_built_from_POD_IP()
    {
        var before = Environment.GetEnvironmentVariable(KubernetesEnvironment.PodIpVariable);
        try
        {
            Environment.SetEnvironmentVariable(KubernetesEnvironment.PodIpVariable, "10.1.2.3");
            Assert.Equal(NodeName.Parse("orders@10.1.2.3:4369"), KubernetesEnvironment.PodNodeName("orders", 4369));
            Environment.SetEnvironmentVariable(KubernetesEnvironment.PodIpVariable, "fd00::7");
            Assert.Equal("orders@[fd00::7]:4369", KubernetesEnvironment.PodNodeName("orders", 4369).ToString());
            Environment.SetEnvironmentVariable(KubernetesEnvironment.PodIpVariable, null);
            Assert.Null(KubernetesEnvironment.PodNodeName("orders", 4369));
        }
        finally
        {
            Environment.SetEnvironmentVariable(KubernetesEnvironment.PodIpVariable, before);
        }
    }
}
