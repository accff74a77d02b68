using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Horde.Net.Scenarios.Net;

namespace Horde.Net.Scenarios.Convergence;

/// <summary>
/// One Horde.Net node (its own <see cref="Node"/>, its own loopback port) running one
/// <see cref="Replica{TKey, TValue}"/>, with a counting proxy in front that the node names itself by,
/// exactly as <see cref="AkkaDDataNode"/> advertises its proxy. Default settings everywhere.
/// </summary>
public sealed class HordeCrdtNode : IAsyncDisposable
{
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    private HordeCrdtNode(Node node, Replica<string, string> replica, CountingTcpProxy proxy)
    {
        Node = node;
        Replica = replica;
        Proxy = proxy;
    }

    /// <summary>The node.</summary>
    public Node Node { get; }

    /// <summary>The node's replica of the map.</summary>
    public Replica<string, string> Replica { get; }

    /// <summary>The counter in front of this node.</summary>
    public CountingTcpProxy Proxy { get; }

    /// <summary>
    /// Starts a node and its replica; the node is connected to nothing and the replica has no neighbours. Peers reach
    /// it through its counting proxy, unless <paramref name="proxied"/> is false (then they dial the node itself and
    /// the proxy counts nothing): a relay in the same process would add its own CPU to what is measured.
    /// </summary>
    public static async Task<HordeCrdtNode> StartAsync(string name, bool proxied = true, TimeSpan? heartbeatInterval = null)
    {
        var ports = FreePorts.Take(2);
        var proxy = new CountingTcpProxy(ports[1], ports[0]);
        var options = new NodeOptions
        {
            Name = NodeName.Create(name, "127.0.0.1", proxied ? ports[1] : ports[0]),
            ListenPort = ports[0],
            Cookie = "bench",
        };
        if (heartbeatInterval is { } interval)
            options.HeartbeatInterval = interval;
        options.MessageTypes.AddCrdt();
        var node = new Node(options);
        await node.ListenAsync();
        var replica = await Replica<string, string>.StartAsync(node);
        return new HordeCrdtNode(node, replica, proxy);
    }

    /// <summary>
    /// Starts <paramref name="count"/> nodes into <paramref name="nodes"/> (which the caller disposes, also when this
    /// fails part way), connects every pair and makes every replica a neighbour of every other.
    /// </summary>
    public static async Task StartMeshAsync(string prefix, int count, List<HordeCrdtNode> nodes, bool proxied = true, TimeSpan? heartbeatInterval = null)
    {
        for (var i = 0; i < count; i++)
            nodes.Add(await StartAsync($"{prefix}{i}", proxied, heartbeatInterval));
        for (var i = 0; i < count; i++)
        {
            for (var j = i + 1; j < count; j++)
                await nodes[i].ConnectAsync(nodes[j]);
        }
        foreach (var node in nodes)
            await node.SetNeighboursAsync(nodes);
    }

    /// <summary>Connects this node to <paramref name="other"/> (through the other's proxy).</summary>
    public async Task ConnectAsync(HordeCrdtNode other)
    {
        if (!await Node.ConnectAsync(other.Node.Name))
            throw new InvalidOperationException($"{Node.Name} could not connect to {other.Node.Name}");
    }

    /// <summary>Makes the replicas of <paramref name="nodes"/> (other than this one) this replica's neighbours.</summary>
    public Task SetNeighboursAsync(IEnumerable<HordeCrdtNode> nodes) =>
        Replica.SetNeighboursAsync(nodes.Where(n => n != this).Select(n => Node.Resolve(n.Replica.Pid)), WriteTimeout);

    /// <summary>Puts the entries into the map in one local write (replication is the replica's job).</summary>
    public Task MergeAsync(IReadOnlyList<KeyValuePair<string, string>> entries) => Replica.MergeAsync(entries, timeout: WriteTimeout);

    /// <summary>Puts one entry.</summary>
    public Task PutAsync(string key, string value) => Replica.PutAsync(key, value, timeout: WriteTimeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}
