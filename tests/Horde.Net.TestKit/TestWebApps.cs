using System.Net;
using Horde.Net.Cluster.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Horde.Net.TestKit;

/// <summary>
/// ASP.NET Core applications with a Horde.Net node, each serving HTTP on its own loopback port, made from in-memory
/// configuration (fast failure detection): for tests of the health endpoints and the dashboard with real requests.
/// </summary>
public static class TestWebApps
{
    /// <summary>
    /// Builds (not starts) an application named <paramref name="name"/> whose node joins <paramref name="seeds"/> by a
    /// static topology; <see cref="HttpAddress"/> of the result is where it serves HTTP.
    /// </summary>
    public static WebApplication Build(string name, IEnumerable<NodeName> seeds, Action<HordeBuilder>? configure = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        var node = NodeName.Create(name, "127.0.0.1", TestCluster.FreePort());
        var http = TestCluster.FreePort();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, http));
        builder.Configuration["Horde:Name"] = node.ToString();
        builder.Configuration["Horde:Cookie"] = TestCluster.Cookie;
        builder.Configuration["Horde:HeartbeatInterval"] = "00:00:00.200";
        builder.Configuration["Horde:FailureThreshold"] = "00:00:03";
        builder.Configuration["Horde:Membership:ReconnectInterval"] = "00:00:00.200";
        var i = 0;
        foreach (var seed in seeds)
        {
            builder.Configuration["Horde:Membership:Topologies:seeds:Strategy"] = "Static";
            builder.Configuration[$"Horde:Membership:Topologies:seeds:Config:Nodes:{i++}"] = seed.ToString();
        }
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(TestLogging.Factory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.AddHorde(configure);
        var app = builder.Build();
        app.MapHordeHealthChecks();
        map?.Invoke(app);
        Addresses.Add(app, new Uri($"http://127.0.0.1:{http}/"));
        return app;
    }

    /// <summary>Where <paramref name="app"/> (made by <see cref="Build"/>) serves HTTP.</summary>
    public static Uri HttpAddress(this WebApplication app) =>
        Addresses.TryGetValue(app, out var address) ? address : throw new InvalidOperationException("not an application of TestWebApps");

    /// <summary>The node of <paramref name="app"/>.</summary>
    public static Node Node(this WebApplication app) => app.Services.GetRequiredService<IHorde>().Node;

    /// <summary>GETs <paramref name="path"/> of <paramref name="app"/>: the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> GetAsync(this WebApplication app, string path)
    {
        using var response = await Http.GetAsync(new Uri(app.HttpAddress(), path), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>GETs <paramref name="path"/> until the answer satisfies <paramref name="done"/> (bounded), for what no event announces.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> PollAsync(this WebApplication app, string path,
        Func<(HttpStatusCode Status, string Body), bool> done, string what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(10);
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var answer = await app.GetAsync(path);
            if (done(answer))
                return answer;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out after {bound.TotalSeconds:0} s waiting until {what}; {path} last answered {(int)answer.Status} {answer.Body}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WebApplication, Uri> Addresses = [];
}
