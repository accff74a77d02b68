using System.Net;
using Horde.Net.Registry.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Horde.Net.Registry.Tests;

/// <summary>/health/ready of a host that joins a cluster whose registry holds names: ready means the names are here.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task A_joining_host_is_ready_only_once_its_registry_holds_the_names_of_the_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        const int names = 2000;
        await using var seed = TestWebApps.Build("seed", [], horde => horde.AddRegistry("orders"));
        await seed.StartAsync(ct);
        var seeded = seed.Services.GetRequiredService<IHordeRegistries>().Get("orders");
        var holder = await seed.Node().StartAsync(() => new Counter());
        await Task.WhenAll(Enumerable.Range(0, names).Select(i => seeded.RegisterAsync($"order-{i}", holder)));

        await using var joiner = TestWebApps.Build("joiner", [seed.Node().Name], horde => horde.AddRegistry("orders"));
        await joiner.StartAsync(ct);
        await joiner.PollAsync("/health/ready", r => r.Status == HttpStatusCode.OK, "the joiner is ready", TimeSpan.FromSeconds(15));

        // Checked at once, without waiting: readiness waited for the registry's first sync.
        Assert.Equal(names, joiner.Services.GetRequiredService<IHordeRegistries>().Get("orders").Count);
        await joiner.StopAsync(ct);
        await seed.StopAsync(ct);
    }
}
