using Horde.Net.Cluster.Hosting;
using Horde.Net.Registry.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Horde.Net.Registry.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task AddRegistry_starts_the_registry_with_the_host_and_it_resolves_by_name_and_as_a_keyed_service()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Horde:Name"] = TestCluster.Options("hosted").Name.ToString();
        builder.Configuration["Horde:Cookie"] = TestCluster.Cookie;
        builder.AddHorde(horde => horde.AddRegistry("orders"));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var registry = host.Services.GetRequiredService<IHordeRegistries>().Get("orders");
            Assert.Same(registry, host.Services.GetRequiredKeyedService<HordeRegistry<string>>("orders"));
            var node = host.Services.GetRequiredService<IHorde>().Node;
            var pid = await node.StartAsync(() => new Counter(5));

            Assert.True((await registry.RegisterAsync("order-1", pid)).IsRegistered);
            Assert.Equal(5, await registry.CallAsync<int>("order-1", new Get()));
            Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IHordeRegistries>().Get("other"));
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
