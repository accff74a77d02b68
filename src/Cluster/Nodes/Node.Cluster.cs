using Horde.Net.Cluster.Membership;
using Horde.Net.Cluster.Transport;

namespace Horde.Net.Cluster;

// The node among other nodes: listening, connecting, node events, and names on other nodes.
public sealed partial class Node : INodeConnector
{
    private readonly Lock _nodeWatchersLock = new();
    private NodeTransport? _transport;
    private HashSet<Pid> _nodeWatchers = [];

    /// <summary>Raised when a node connects (on the node's event loop, see <see cref="StateChanged"/>).</summary>
    public event EventHandler<NodeUp>? NodeConnected;

    /// <summary>Raised when a node disconnects, for whatever reason (<see cref="NodeDown.Reason"/>).</summary>
    public event EventHandler<NodeDown>? NodeDisconnected;

    /// <summary>
    /// Raised when a connected node announces that it is leaving: it drains and says goodbye later. Its connection
    /// stays; place no new work on it (<see cref="IsLeaving(NodeName)"/>).
    /// </summary>
    public event EventHandler<NodeLeaving>? NodeLeaving;

    /// <summary>The nodes this node is connected to, leaving ones included.</summary>
    public IReadOnlyCollection<NodeName> ConnectedNodes => _transport?.ConnectedNodes ?? [];

    /// <summary>Messages this node dropped instead of sending to another node, by cause.</summary>
    public DropCounters Drops { get; } = new();

    /// <summary>The connected nodes that announced they are leaving and have not said goodbye yet.</summary>
    public IReadOnlyCollection<NodeName> LeavingNodes => _transport?.LeavingNodes ?? [];

    /// <summary>True if <paramref name="node"/> is connected and announced that it is leaving: place no new work on it.</summary>
    public bool IsLeaving(NodeName node) =>
        _transport is { } transport && transport.TryGetConnection(node, out var connection) && connection.PeerLeaving;

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
        Options.MessageTypes.Freeze(); // from here on the transport's threads read the table
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

    bool INodeConnector.IsDraining(NodeName node) =>
        _transport is { } transport && transport.TryGetConnection(node, out var connection) && connection.PeerDraining;

    /// <summary>
    /// Subscribes <paramref name="pid"/>, a process of this node, to <see cref="NodeUp"/>, <see cref="Cluster.NodeLeaving"/>
    /// and <see cref="NodeDown"/> messages about the nodes this node connects to, as <c>net_kernel:monitor_nodes</c>.
    /// The subscription ends when the process exits.
    /// </summary>
    /// <exception cref="ArgumentException">The pid is of another node: each node reports its own view, so a process
    /// subscribes on its own node.</exception>
    public void MonitorNodes(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        if (!pid.IsOn(this))
            throw new ArgumentException($"{pid} is a process of node {pid.Node}, not of {Name}: a process subscribes to node events on its own node (call MonitorNodes on {pid.Node}).", nameof(pid));
        if (!TryGetLocal(pid, out var process))
            return; // exited already
        lock (_nodeWatchersLock)
            _nodeWatchers = [.. _nodeWatchers, pid];
        if (!process.IsAlive)
            ForgetNodeWatcher(pid); // it exited meanwhile, perhaps before its exit could see the subscription
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

    /// <summary>Bytes queued to be sent to <paramref name="peer"/>, for tests and metrics; false if not connected.</summary>
    internal bool TryGetQueuedBytes(NodeName peer, out long bytes)
    {
        bytes = 0;
        if (_transport is null || !_transport.TryGetConnection(peer, out var connection))
            return false;
        bytes = connection.QueuedBytes;
        return true;
    }

    private NodeTransport Transport =>
        _transport ?? throw new InvalidOperationException($"Node {Name} is not listening; call ListenAsync first.");

    /// <summary>How many processes are subscribed with <see cref="MonitorNodes(Pid)"/>.</summary>
    internal int NodeWatcherCount => _nodeWatchers.Count;

    internal void OnNodeUp(NodeUp up)
    {
        TellNodeWatchers(up);
        _events.Post(nameof(NodeConnected), this, NodeConnected, up);
    }

    internal void OnNodeLeaving(NodeLeaving leaving)
    {
        TellNodeWatchers(leaving);
        _events.Post(nameof(NodeLeaving), this, NodeLeaving, leaving);
    }

    internal void OnNodeDown(NodeDown down)
    {
        TellNodeWatchers(down);
        _events.Post(nameof(NodeDisconnected), this, NodeDisconnected, down);
    }

    private void TellNodeWatchers(object message)
    {
        foreach (var pid in _nodeWatchers)
        {
            if (TryGetLocal(pid, out var process))
                process.Post(new Envelope(EnvelopeKind.Info, message));
        }
    }

    private void ForgetNodeWatcher(Pid pid)
    {
        if (!_nodeWatchers.Contains(pid))
            return;
        lock (_nodeWatchersLock)
            _nodeWatchers = [.. _nodeWatchers.Where(p => p != pid)];
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
