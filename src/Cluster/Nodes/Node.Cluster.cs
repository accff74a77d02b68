using Horde.Net.Cluster.Membership;
using Horde.Net.Cluster.Transport;

namespace Horde.Net.Cluster;

// The node among other nodes: listening, connecting, node events, and names on other nodes.
public sealed partial class Node : INodeConnector
{
    private readonly Lock _nodeWatchersLock = new();
    private NodeTransport? _transport;
    private HashSet<Pid> _nodeWatchers = [];

    /// <summary>Raised when a node connects.</summary>
    public event EventHandler<NodeUp>? NodeConnected;

    /// <summary>Raised when a node disconnects, for whatever reason.</summary>
    public event EventHandler<NodeDown>? NodeDisconnected;

    /// <summary>The nodes this node is connected to.</summary>
    public IReadOnlyCollection<NodeName> ConnectedNodes => _transport?.ConnectedNodes ?? [];

    /// <summary>Fault injection on this node's outgoing traffic, for tests; null until the node listens.</summary>
    public NetworkFaults? Faults => _transport?.Faults;

    /// <summary>
    /// Starts serving other nodes on the port of <see cref="Name"/> (gRPC over HTTP/2). Requires <see cref="NodeOptions.Cookie"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node already listens, or its options cannot form a cluster.</exception>
    /// <exception cref="IOException">The port is taken.</exception>
    public async Task ListenAsync(CancellationToken cancellationToken = default)
    {
        Options.ValidateForCluster();
        var transport = new NodeTransport(this);
        if (Interlocked.CompareExchange(ref _transport, transport, null) is not null)
            throw new InvalidOperationException($"Node {Name} is already listening.");
        try
        {
            await transport.ListenAsync(cancellationToken);
            MoveTo(NodeState.Starting, NodeState.Running);
        }
        catch
        {
            _transport = null;
            throw;
        }
    }

    /// <summary>
    /// Connects to another node (dials it, proves the cookie, checks its proof). Returns true once connected, false if
    /// it could not connect within <see cref="NodeOptions.ConnectTimeout"/>; the reason is logged.
    /// </summary>
    public Task<bool> ConnectAsync(NodeName node, CancellationToken cancellationToken = default) =>
        Transport.ConnectAsync(node, cancellationToken);

    /// <summary>Disconnects from a node, saying goodbye so that it sees this node leave at once.</summary>
    public Task DisconnectAsync(NodeName node) => Transport.DisconnectAsync(node);

    NodeName INodeConnector.Self => Name;

    Task INodeConnector.DisconnectAsync(NodeName node, CancellationToken cancellationToken) =>
        DisconnectAsync(node).WaitAsync(cancellationToken);

    /// <summary>Subscribes <paramref name="pid"/> to <see cref="NodeUp"/> and <see cref="NodeDown"/> messages, as <c>net_kernel:monitor_nodes</c>.</summary>
    public void MonitorNodes(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        lock (_nodeWatchersLock)
            _nodeWatchers = [.. _nodeWatchers, pid];
    }

    /// <summary>Ends a subscription made with <see cref="MonitorNodes(Pid)"/>.</summary>
    public void DemonitorNodes(Pid pid)
    {
        lock (_nodeWatchersLock)
            _nodeWatchers = [.. _nodeWatchers.Where(p => p != pid)];
    }

    /// <summary>The process registered under <paramref name="name"/> on another (connected) node, or null.</summary>
    /// <exception cref="InvalidOperationException">The node is not connected.</exception>
    /// <exception cref="TimeoutException">No answer within the timeout (the node's call timeout by default).</exception>
    public async Task<Pid?> WhereIsAsync(NodeName node, string name, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (node == Name)
            return WhereIs(name);
        if (_transport is null || !_transport.TryGetConnection(node, out var connection))
            throw new InvalidOperationException($"Node {node} is not connected to {Name}.");
        return await connection.WhereIsAsync(name, timeout ?? Options.CallTimeout);
    }

    private NodeTransport Transport =>
        _transport ?? throw new InvalidOperationException($"Node {Name} is not listening; call ListenAsync first.");

    internal void OnNodeUp(NodeUp up)
    {
        foreach (var pid in _nodeWatchers)
            Route(pid, new Envelope(EnvelopeKind.Info, up));
        NodeConnected?.Invoke(this, up);
    }

    internal void OnNodeDown(NodeDown down)
    {
        foreach (var pid in _nodeWatchers)
            Route(pid, new Envelope(EnvelopeKind.Info, down));
        NodeDisconnected?.Invoke(this, down);
    }

    /// <summary>The connection to the node of <paramref name="pid"/> if it is connected and still that incarnation.</summary>
    private bool TryGetConnection(Pid pid, out PeerConnection connection, out ExitReason unreachable)
    {
        connection = null!;
        if (_transport is null || !_transport.TryGetConnection(pid.Node, out connection))
        {
            unreachable = ExitReason.NoConnection;
            return false;
        }
        unreachable = ExitReason.NoProc; // a pid of an earlier run of that node names no process
        return connection.PeerIncarnation == pid.Incarnation;
    }

    private async ValueTask StopTransportAsync()
    {
        if (Interlocked.Exchange(ref _transport, null) is { } transport)
            await transport.DisposeAsync();
    }
}
