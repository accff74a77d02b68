using Horde.Net.Cluster;

namespace Horde.Net.Scenarios.Net;

/// <summary>Horde.Net nodes in this OS process, each on its own loopback port, every pair connected.</summary>
public static class LoopbackMesh
{
    /// <summary>Starts <paramref name="count"/> nodes named <c>{prefix}{i}</c>, <paramref name="configure"/> applied to each one's options, and connects every pair.</summary>
    public static async Task<List<Node>> StartAsync(string prefix, int count, Action<NodeOptions> configure)
    {
        var nodes = new List<Node>();
        var ports = FreePorts.Take(count);
        for (var i = 0; i < count; i++)
        {
            var options = new NodeOptions { Name = NodeName.Create($"{prefix}{i}", "127.0.0.1", ports[i]), Cookie = "scenario-cookie" };
            configure(options);
            var node = new Node(options);
            await node.ListenAsync();
            nodes.Add(node);
        }
        for (var i = 0; i < count; i++)
            for (var j = i + 1; j < count; j++)
                await nodes[i].ConnectAsync(nodes[j].Name);
        return nodes;
    }
}
