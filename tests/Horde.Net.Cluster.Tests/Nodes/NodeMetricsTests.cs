using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Horde.Net.Cluster.Tests.Nodes;

public sealed class NodeMetricsTests
{
    [Fact]
    public async Task Connected_nodes_and_messages_and_bytes_per_peer_are_measured_on_the_nodes_meter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var metrics = new MetricsRecorder(factory);
        await using var a = new Node(TestCluster.Options("metered"), TestLogging.Factory, factory);
        await a.ListenAsync();
        await using var b = await TestCluster.StartNodeAsync("peer");
        await TestCluster.ConnectAsync(a, b.Name);
        var counter = await b.StartAsync(() => new Counter());
        var remote = a.Resolve(counter);

        for (var i = 1; i <= 5; i++)
            Assert.Equal(i, await remote.CallAsync<int>(new Add(1), TimeSpan.FromSeconds(5)));

        metrics.Collect();
        var node = ("node", (object)a.Name.ToString());
        var peer = ("peer", (object)b.Name.ToString());
        Assert.Equal(1, metrics.Last("horde.node.connected", node));
        Assert.True(metrics.Last("horde.node.messages_sent", node, peer) >= 5, "five calls were sent to the peer");
        Assert.True(metrics.Last("horde.node.messages_received", node, peer) >= 5, "five replies came back");
        Assert.True(metrics.Last("horde.node.bytes_sent", node, peer) > 0, "the calls' batches have bytes");
        Assert.True(metrics.Last("horde.node.bytes_received", node, peer) > 0, "the replies' batches have bytes");
        Assert.Equal(0, metrics.Last("horde.node.dropped", node, ("cause", "unregistered_type")));
    }

    [Fact]
    public async Task The_heartbeat_round_trip_to_each_peer_is_measured_while_the_connection_is_idle()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var metrics = new MetricsRecorder(factory);
        await using var a = new Node(TestCluster.Options("beating"), TestLogging.Factory, factory);
        await a.ListenAsync();
        await using var b = await TestCluster.StartNodeAsync("beat-peer");
        await TestCluster.ConnectAsync(a, b.Name);

        // Heartbeats go every 200 ms on an idle test connection; a round trip needs one each way after the first.
        var tags = new[] { ("node", (object)a.Name.ToString()), ("peer", (object)b.Name.ToString()) };
        await Eventually.TrueAsync(() => metrics.Values("horde.node.heartbeat.round_trip", tags).Count >= 5,
            "five heartbeat round trips to the peer were recorded", TimeSpan.FromSeconds(15));
        // On loopback a round trip is far under the 200 ms a heartbeat waits for: a figure that kept the time the peer
        // held the echo would sit around 100-300 ms, and a clock mix-up would be far off or negative (and dropped).
        var roundTrips = metrics.Values("horde.node.heartbeat.round_trip", tags);
        Assert.All(roundTrips, rtt => Assert.InRange(rtt, 0, 1000));
        Assert.True(roundTrips.Min() < 100, $"round trips: {string.Join(", ", roundTrips.Select(r => r.ToString("0.0")))} ms");
    }
}
