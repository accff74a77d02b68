using System.Net;
using System.Net.Sockets;
using Horde.Net.Cluster.Hosting;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Cluster.Tests.Hosting;

public sealed class HostConfigurationTests
{
    [Theory]
    [InlineData("missing cookie", "Horde:Cookie", "Horde:Cookie", null, "secret cookie")]
    [InlineData("missing name", "Horde:Name", "Horde:Name", null, "name@host:port")]
    [InlineData("unparseable name", "Horde:Name", "Horde:Name", "orders-at-10.0.0.5", "name@host:port")]
    [InlineData("bad duration", "Horde:DrainTimeout", "Horde:DrainTimeout", "soon", "TimeSpan")]
    [InlineData("unknown strategy", "Horde:Membership:Topologies:k8s:Strategy", "Horde:Membership:Topologies:k8s:Strategy", "Kubernetez", "Static, DnsPoll, KubernetesDns, KubernetesDnsSrv, KubernetesApi, Gossip")]
    [InlineData("missing strategy option", "Horde:Membership:Topologies:k8s:Strategy", "Horde:Membership:Topologies:k8s:Config:Service", "KubernetesDns", "Service is required")]
    [InlineData("misspelt key", "Horde:Cokie", "Horde:Cokie", "secret", "is not a setting; expected one of CallTimeout, ConnectTimeout, Cookie,")]
    [InlineData("misspelt nested key", "Horde:Membership:ReconectInterval", "Horde:Membership:ReconectInterval", "00:00:01", "expected one of ConnectTimeout, ReconnectInterval")]
    [InlineData("bad static node", "Horde:Membership:Topologies:seeds:Config:Nodes:0", "Horde:Membership:Topologies:seeds:Config", "b-at-somewhere", "name@host:port")]
    public async Task An_invalid_setting_fails_the_start_with_one_message_naming_its_key(string what, string setting, string key, string? value, string problem)
    {
        var settings = TestHosts.Settings("bad", out _);
        settings[setting] = value;
        if (setting.StartsWith("Horde:Membership:Topologies:k8s", StringComparison.Ordinal))
            settings["Horde:Membership:Topologies:k8s:Config:ApplicationName"] = "orders";
        if (setting.StartsWith("Horde:Membership:Topologies:seeds", StringComparison.Ordinal))
            settings["Horde:Membership:Topologies:seeds:Strategy"] = "Static";

        var error = await StartFailsAsync(settings);

        Assert.True(key == error.Key, $"{what}: expected the key {key}, got {error.Message}");
        Assert.StartsWith($"{key}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start_naming_the_key_and_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var settings = TestHosts.Settings("busy", out _);
        settings["Horde:Name"] = $"busy@127.0.0.1:{port}";

        var error = await StartFailsAsync(settings);

        Assert.Equal("Horde:Name", error.Key);
        Assert.Contains($"port {port}", error.Message, StringComparison.Ordinal);

        settings["Horde:Name"] = $"busy@127.0.0.1:{TestCluster.FreePort()}";
        settings["Horde:ListenPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("Horde:ListenPort", (await StartFailsAsync(settings)).Key);
    }

    [Fact]
    public void Settings_bind_into_the_node_options_and_message_types_come_from_code_and_configuration()
    {
        var settings = TestHosts.Settings("bound", out var name);
        settings["Horde:CallTimeout"] = "00:00:07";
        settings["Horde:MaxFrameBytes"] = "1048576";
        settings["Horde:ListenAddress"] = "127.0.0.1";
        settings["Horde:MessageAssemblies:0"] = typeof(HostedMessage).Assembly.GetName().Name;
        using var host = TestHosts.Build(settings, horde => horde.MessageTypes(types => types.Add<CodeOnlyMessage>()));

        var node = host.Services.GetRequiredService<IHorde>().Node;

        Assert.Equal(name, node.Name);
        Assert.Equal(TimeSpan.FromSeconds(7), node.Options.CallTimeout);
        Assert.Equal(1048576, node.Options.MaxFrameBytes);
        Assert.Equal(IPAddress.Loopback, node.Options.ListenAddress);
        Assert.Contains(typeof(HostedMessage), node.Options.MessageTypes.Types.Keys);
        Assert.Contains(typeof(CodeOnlyMessage), node.Options.MessageTypes.Types.Keys);
    }

    [Theory]
    [InlineData(20, 30, 20)] // fits: kept
    [InlineData(30, 30, 25)] // cut to leave 5 s to stop processes and say goodbye
    [InlineData(20, 2, 1.5)] // a short shutdown keeps a quarter of it for the stop
    public void The_drain_fits_in_the_hosts_shutdown_timeout(double drain, double shutdown, double expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected),
            HordeNodeFactory.DrainWithin(TimeSpan.FromSeconds(drain), TimeSpan.FromSeconds(shutdown), "Horde", NullLogger.Instance));

    private static async Task<HordeConfigurationException> StartFailsAsync(Dictionary<string, string?> settings)
    {
        using var host = TestHosts.Build(settings);
        return await Assert.ThrowsAsync<HordeConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }
}

[MessagePackObject]
public sealed record HostedMessage([property: Key(0)] string Text);

public sealed record CodeOnlyMessage(string Text);
