using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Horde.Net.TestKit;

/// <summary>Real nodes in this test process, each listening on its own loopback port, all sharing one cookie.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string Cookie = "test-cookie";

    private TestCluster(IReadOnlyList<Node> nodes) => Nodes = nodes;

    public IReadOnlyList<Node> Nodes { get; }

    public Node this[int index] => Nodes[index];

    /// <summary>Starts <paramref name="count"/> listening nodes; connects every pair unless told not to.</summary>
    public static async Task<TestCluster> StartAsync(int count, bool connect = true, Action<NodeOptions>? configure = null)
    {
        var nodes = new List<Node>();
        for (var i = 0; i < count; i++)
            nodes.Add(await StartNodeAsync($"n{i}", configure));
        var cluster = new TestCluster(nodes);
        if (connect)
            await cluster.ConnectAllAsync();
        return cluster;
    }

    public static async Task<Node> StartNodeAsync(string name, Action<NodeOptions>? configure = null, ILoggerFactory? logging = null)
    {
        var options = Options(name);
        configure?.Invoke(options);
        var node = new Node(options, logging ?? TestLogging.Factory);
        await node.ListenAsync();
        return node;
    }

    public static NodeOptions Options(string name)
    {
        var options = new NodeOptions
        {
            Name = NodeName.Create(name, "127.0.0.1", FreePort()),
            Cookie = Cookie,
            HeartbeatInterval = TimeSpan.FromMilliseconds(200),
            FailureThreshold = TimeSpan.FromSeconds(3),
        };
        RegisterTestTypes(options.MessageTypes);
        return options;
    }

    public static void RegisterTestTypes(MessageTypeRegistry types) =>
        types.Add<Add>().Add<Get>().Add<Crash>().Add<Echo>();

    public async Task ConnectAllAsync()
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            for (var j = i + 1; j < Nodes.Count; j++)
                await ConnectAsync(Nodes[i], Nodes[j].Name);
        }
    }

    /// <summary>
    /// Connects <paramref name="from"/> to <paramref name="to"/>, dialing again if a dial fails: on a loaded test run
    /// one handshake can overrun the connect timeout, and a test that only needs the link should not fail for that.
    /// </summary>
    public static Task ConnectAsync(Node from, NodeName to) =>
        Eventually.TrueAsync(() => from.ConnectAsync(to), () => $"{from.Name} connects to {to}", TimeSpan.FromSeconds(30));

    /// <summary>Cuts all traffic between two sets of nodes, both ways, as a network partition does.</summary>
    public static void Partition(IEnumerable<Node> side, IEnumerable<Node> otherSide)
    {
        var others = otherSide.ToList();
        foreach (var a in side)
        {
            foreach (var b in others)
            {
                a.Faults!.Block(b.Name);
                b.Faults!.Block(a.Name);
            }
        }
    }

    public static void Partition(Node a, Node b) => Partition([a], [b]);

    /// <summary>Lets all traffic flow again (connections cut by the failure detector must be made again).</summary>
    public void Heal()
    {
        foreach (var node in Nodes)
            node.Faults!.Heal();
    }

    public static void Heal(Node a, Node b)
    {
        a.Faults!.Unblock(b.Name);
        b.Faults!.Unblock(a.Name);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
