using Horde.Net.Cluster;

namespace Horde.Net.Crdt.Tests.OverGrpc;

/// <summary>Named replicas in three OS processes (Horde.Net.TestNode in replica mode), one of them killed with SIGKILL.</summary>
public sealed class ThreeProcessTests
{
    private const string Map = "procs.map";

    [Fact]
    public async Task Replicas_in_three_processes_converge_and_a_killed_and_restarted_one_catches_up()
    {
        var names = new[] { "proc0", "proc1", "proc2" }.Select(n => NodeName.Create(n, "127.0.0.1", TestCluster.FreePort())).ToArray();
        var nodes = await Task.WhenAll(names.Select(n => NodeProcess.StartAsync(n, TestCluster.Cookie, "replica", Map)));
        try
        {
            await ConnectAsync(nodes[0], names[1], names[2]);
            await ConnectAsync(nodes[1], names[2]);
            Assert.Equal("OK", await nodes[0].CommandAsync("put first written-on-0"));
            foreach (var node in nodes)
                await ReadsAsync(node, "first", "written-on-0", nodes);

            nodes[2].Kill();
            await nodes[2].DisposeAsync();
            Assert.Equal("OK", await nodes[1].CommandAsync("put second written-while-2-was-down"));
            nodes[2] = await NodeProcess.StartAsync(names[2], TestCluster.Cookie, "replica", Map);
            await ConnectAsync(nodes[2], names[0], names[1]);

            await ReadsAsync(nodes[2], "first", "written-on-0"); // repaired by anti-entropy: it restarted empty
            await ReadsAsync(nodes[2], "second", "written-while-2-was-down");
            Assert.Equal("OK", await nodes[2].CommandAsync("put third written-on-the-restarted-2"));
            await ReadsAsync(nodes[0], "third", "written-on-the-restarted-2");
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsync();
        }
    }

    private static async Task ConnectAsync(NodeProcess node, params NodeName[] peers)
    {
        foreach (var peer in peers)
        {
            // A peer that lost a killed node may still hold its old connection for a moment: try again, bounded.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            string answer;
            while ((answer = await node.CommandAsync($"connect {peer}")) != "OK" && DateTime.UtcNow < deadline)
                await Task.Delay(100, TestContext.Current.CancellationToken);
            Assert.True(answer == "OK", $"{node.Name} could not connect to {peer}: {answer}");
        }
    }

    private static async Task ReadsAsync(NodeProcess node, string key, string value, NodeProcess[]? all = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string answer;
        while ((answer = await node.CommandAsync($"get {key}")) != value)
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{node.Name} reads {key} = {answer}, not {value}, after 15 s ({string.Join("; ", await Task.WhenAll((all ?? [node]).Select(n => n.CommandAsync("stats"))))}).");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
