using Horde.Net.Cluster.Hosting;
using Horde.Net.Supervisor.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Horde.Net.Supervisor.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task AddSupervisor_starts_with_the_host_resolves_three_ways_and_builds_children_from_the_services()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Horde:Name"] = TestCluster.Options("hosted").Name.ToString();
        builder.Configuration["Horde:Cookie"] = TestCluster.Cookie;
        builder.AddHorde(horde => horde.AddSupervisor("orders", o => o.AddChildType<Counter>()));
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var supervisor = host.Services.GetRequiredService<IHordeSupervisors>().Get("orders");
            Assert.Same(supervisor, host.Services.GetRequiredKeyedService<HordeSupervisor>("orders"));
            var horde = host.Services.GetRequiredService<IHorde>();
            Assert.Same(supervisor, horde.Supervisor("orders"));

            Assert.Equal(4, await horde.Supervisor("orders").Child<Counter>("order:42").CallAsync<int>(new Add(4)));
            Assert.Equal(["order:42"], supervisor.LocalChildren());
            Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IHordeSupervisors>().Get("other"));
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
