using System.Collections.Concurrent;
using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>Nodes that are up or down; a node going down drops every connection to it, as a crash would.</summary>
internal sealed class FakeNetwork
{
    private readonly ConcurrentDictionary<NodeName, bool> _up = new();
    private readonly ConcurrentBag<FakeConnector> _connectors = [];

    public FakeConnector Node(NodeName self)
    {
        _up[self] = true;
        var connector = new FakeConnector(self, this);
        _connectors.Add(connector);
        return connector;
    }

    public bool IsUp(NodeName node) => _up.GetValueOrDefault(node);

    public void SetUp(NodeName node, bool up)
    {
        _up[node] = up;
        if (!up)
        {
            foreach (var connector in _connectors)
                connector.Drop(node);
        }
    }
}

/// <summary>An <see cref="INodeConnector"/> whose connect succeeds only when the target is up in its <see cref="FakeNetwork"/>.</summary>
internal sealed class FakeConnector(NodeName self, FakeNetwork network) : INodeConnector
{
    private readonly ConcurrentDictionary<NodeName, byte> _connected = new();
    private readonly ConcurrentQueue<NodeName> _attempts = new();
    private readonly ConcurrentQueue<NodeName> _disconnects = new();

    public NodeName Self { get; } = self;

    public IReadOnlyCollection<NodeName> ConnectedNodes => [.. _connected.Keys];

    public IReadOnlyCollection<NodeName> Attempts => [.. _attempts];

    public IReadOnlyCollection<NodeName> Disconnects => [.. _disconnects];

    public Task<bool> ConnectAsync(NodeName node, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(node);
        if (!network.IsUp(node))
            return Task.FromResult(false);
        _connected[node] = 0;
        return Task.FromResult(true);
    }

    /// <summary>How many of the next disconnects fail (throw) and leave the connection up.</summary>
    public int FailingDisconnects;

    /// <summary>Nodes that announced they are leaving and are still draining.</summary>
    public ConcurrentDictionary<NodeName, byte> Draining { get; } = new();

    public Task DisconnectAsync(NodeName node, CancellationToken cancellationToken)
    {
        _disconnects.Enqueue(node);
        if (Interlocked.Decrement(ref FailingDisconnects) >= 0)
            throw new IOException($"disconnecting {node} failed");
        _connected.TryRemove(node, out _);
        return Task.CompletedTask;
    }

    public bool IsDraining(NodeName node) => Draining.ContainsKey(node) && _connected.ContainsKey(node);

    public void Drop(NodeName node) => _connected.TryRemove(node, out _);
}
