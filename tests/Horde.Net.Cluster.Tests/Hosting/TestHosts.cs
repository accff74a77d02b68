using Horde.Net.Cluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Tests.Hosting;

/// <summary>Generic Hosts made from in-memory configuration only (no environment variables, no appsettings).</summary>
internal static class TestHosts
{
    /// <summary>The settings of a node named <paramref name="name"/> on a free loopback port, with fast failure detection.</summary>
    public static Dictionary<string, string?> Settings(string name, out NodeName node)
    {
        node = NodeName.Create(name, "127.0.0.1", TestCluster.FreePort());
        return new Dictionary<string, string?>
        {
            ["Horde:Name"] = node.ToString(),
            ["Horde:Cookie"] = TestCluster.Cookie,
            ["Horde:HeartbeatInterval"] = "00:00:00.200",
            ["Horde:FailureThreshold"] = "00:00:01",
            ["Horde:Membership:ReconnectInterval"] = "00:00:00.200",
        };
    }

    public static IHost Build(IDictionary<string, string?> settings, Action<HordeBuilder>? configure = null, TimeSpan? shutdownTimeout = null,
        ILoggerProvider? logging = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logging ?? TestLogging.Factory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(10));
        builder.AddHorde(configure);
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
