namespace Horde.Net.Cluster.Tests.Nodes;

/// <summary>A peer's life as the log shows it: up, leaving, down, each under its stable event id.</summary>
public sealed class NodeLogEventTests
{
    [Fact]
    public async Task Node_up_leaving_and_down_are_logged_under_their_event_ids()
    {
        await using var watcher = await TestCluster.StartNodeAsync("log-watcher");
        var leaver = await TestCluster.StartNodeAsync("log-leaver");
        await TestCluster.ConnectAsync(watcher, leaver.Name);
        await Eventually.TrueAsync(() => TestLogging.Factory.Has(1001, $"Connected to node {leaver.Name}"), "event 1001 (node up) on the watcher");

        await leaver.DisposeAsync();

        Assert.True(TestLogging.Factory.Has(1100, $"Node {leaver.Name} is leaving"), "event 1100 (draining) on the leaver");
        Assert.True(TestLogging.Factory.Has(1102, $"Node {leaver.Name} stopped"), "event 1102 (stopped) on the leaver");
        await Eventually.TrueAsync(() => TestLogging.Factory.Has(1002, $"Node {leaver.Name} is leaving; it drains"), "event 1002 (peer leaving) on the watcher");
        await Eventually.TrueAsync(() => TestLogging.Factory.Has(1003, $"Disconnected from node {leaver.Name} (Goodbye)"), "event 1003 (node down) on the watcher, with its reason");
    }
}
