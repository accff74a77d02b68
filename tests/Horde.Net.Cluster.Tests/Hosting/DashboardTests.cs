using System.Net;
using System.Text.Json;
using Horde.Net.Cluster.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Horde.Net.Cluster.Tests.Hosting;

/// <summary>The dashboard over real HTTP: the page and its assets, the state as JSON, the server-sent events, on two nodes.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task The_dashboard_shows_both_nodes_a_source_per_node_and_then_the_peer_down_with_its_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var seed = TestWebApps.Build("seed", [], horde => horde.Services.AddSingleton<IHordeDashboardSource>(sp => new CountsSource(sp.GetRequiredService<Node>())),
            map: app => app.MapHordeDashboard("/horde"));
        await seed.StartAsync(ct);
        await using var peer = TestWebApps.Build("peer", [seed.Node().Name]);
        await peer.StartAsync(ct);

        var page = await seed.GetAsync("/horde/");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("dashboard.js", page.Body);
        Assert.Contains("EventSource", (await seed.GetAsync("/horde/dashboard.js")).Body);

        var both = await seed.PollAsync("/horde/state", r => States(r.Body).GetValueOrDefault(peer.Node().Name.ToString()) == "Running", "the dashboard lists the peer as running");
        Assert.Equal("Running", States(both.Body)[seed.Node().Name.ToString()]);
        using (var json = JsonDocument.Parse(both.Body))
        {
            var counts = json.RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("count").GetInt32());
            Assert.Equal(3, counts[seed.Node().Name.ToString()]);
            Assert.Equal("items", json.RootElement.GetProperty("sections")[0].GetProperty("title").GetString());
            Assert.NotEmpty(json.RootElement.GetProperty("history").EnumerateArray());
        }

        await peer.StopAsync(ct);
        var down = await seed.PollAsync("/horde/state", r => States(r.Body).GetValueOrDefault(peer.Node().Name.ToString()) is "Down" or "Unreachable", "the dashboard shows the peer gone");
        Assert.Contains("node-down", down.Body);
        Assert.Contains("Goodbye", down.Body);

        using var http = new HttpClient();
        using var stream = await http.GetStreamAsync(new Uri(seed.HttpAddress(), "/horde/events"), ct);
        using var reader = new StreamReader(stream);
        var first = await reader.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.StartsWith("data: {", first);
        await seed.StopAsync(ct);
    }

    private static Dictionary<string, string> States(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("state").GetString()!);
    }

    /// <summary>A source of a layer above, as the registry's and supervisor's are: a table and a count per node.</summary>
    private sealed class CountsSource(Node node) : IHordeDashboardSource
    {
        public DashboardSection? Read() =>
            new("items", ["what"], [["three on the seed"]]) { PerNode = new Dictionary<string, int> { [node.Name.ToString()] = 3 } };
    }
}
