using Horde.Net.Cluster;

namespace Horde.Net.Crdt.Tests.OverGrpc;

public sealed class ReplicasOverGrpcTests
{
    [Fact]
    public async Task A_write_on_one_node_reaches_the_replicas_on_the_others()
    {
        await using var cluster = await GrpcNodes.StartAsync(3);
        await cluster.Replicas[0].PutAsync("greeting", "hello");
        await cluster.Replicas[2].PutAsync("answer", "42");
        await cluster.Replicas[1].DeleteAsync("nothing");
        await cluster.ConvergedAsync(new Dictionary<string, string> { ["greeting"] = "hello", ["answer"] = "42" }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Three_nodes_partitioned_and_healed_converge_to_the_newest_writes()
    {
        await using var cluster = await GrpcNodes.StartAsync(3);
        var (a, b, c) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        await cluster.Replicas[0].MergeAsync(Enumerable.Range(0, 500).Select(i => KeyValuePair.Create($"k{i}", "before")));
        var expected = Enumerable.Range(0, 500).ToDictionary(i => $"k{i}", _ => "before");
        await cluster.ConvergedAsync(expected, TimeSpan.FromSeconds(10));

        // Node a alone on one side, b and c on the other; both sides keep writing.
        foreach (var other in new[] { b, c })
        {
            a.Faults!.Block(other.Name);
            other.Faults!.Block(a.Name);
        }
        await WaitAsync(() => a.ConnectedNodes.Count == 0, "node a is cut off");
        for (var i = 0; i < 100; i++)
        {
            await cluster.Replicas[0].PutAsync($"a{i}", "from a");
            await cluster.Replicas[1].PutAsync($"b{i}", "from b");
        }
        await cluster.Replicas[0].DeleteAsync("k0");
        await cluster.Replicas[2].PutAsync("k1", "changed on c");
        await cluster.Replicas[0].PutAsync("k2", "changed on a");
        Assert.False(cluster.Replicas[2].TryGetValue("a0", out _)); // the partition holds

        foreach (var node in cluster.Nodes)
            node.Faults!.Heal();
        await cluster.ConnectAsync();
        for (var i = 0; i < 100; i++)
        {
            expected[$"a{i}"] = "from a";
            expected[$"b{i}"] = "from b";
        }
        expected.Remove("k0");
        expected["k1"] = "changed on c";
        expected["k2"] = "changed on a";
        await cluster.ConvergedAsync(expected, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_fresh_replica_on_a_new_node_receives_every_key()
    {
        await using var cluster = await GrpcNodes.StartAsync(2);
        var keys = Enumerable.Range(0, 20_000).ToDictionary(i => $"key-{i:D6}", i => $"value-{i}");
        await cluster.Replicas[0].MergeAsync(keys);
        await cluster.ConvergedAsync(keys, TimeSpan.FromSeconds(30));
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }
}
