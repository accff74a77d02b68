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
        using var host = await StartHostAsync("hosted");
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

    [Fact]
    public async Task The_dashboard_source_forgets_a_terminated_child()
    {
        using var host = await StartHostAsync("dashboard-source");
        try
        {
            var supervisor = host.Services.GetRequiredService<IHordeSupervisors>().Get("orders");
            var source = host.Services.GetServices<IHordeDashboardSource>().OfType<SupervisorDashboardSource>().Single();
            foreach (var id in new[] { "a", "b", "c" })
                (await supervisor.StartChildAsync(HordeChildSpec.For<Counter>(id))).EnsureRunning();
            source.Read();
            source.Read();
            Assert.Equal(3, source.Remembered);

            Assert.True(await supervisor.TerminateChildAsync("b"));
            await Eventually.TrueAsync(() => supervisor.WhichChildren().All(c => c.Id != "b"), "the terminated child is gone from the supervisor");
            source.Read();
            Assert.Equal(2, source.Remembered); // a long-running dashboard would otherwise keep every id it ever saw
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A started host whose node runs the supervisor "orders" with Counter children.</summary>
    private static async Task<IHost> StartHostAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Horde:Name"] = TestCluster.Options(name).Name.ToString();
        builder.Configuration["Horde:Cookie"] = TestCluster.Cookie;
        builder.AddHorde(horde => horde.AddSupervisor("orders", o => o.AddChildType<Counter>()));
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
