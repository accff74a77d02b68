namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Finds the peers one topology says should be connected. A strategy runs until cancelled and
/// publishes its whole current peer list to the sink each time the list may have changed
/// (polled strategies after every poll, event-driven ones such as gossip when a peer appears or expires).
/// </summary>
public interface IMembershipStrategy
{
    /// <summary>The topology name, used in logs and events (the key under <c>Topologies</c> in configuration).</summary>
    string Topology { get; }

    /// <summary>Runs the strategy until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="sink">Where the strategy publishes its peer lists; also tells it which node it runs on.</param>
    /// <param name="cancellationToken">Stops the strategy.</param>
    Task RunAsync(IPeerListSink sink, CancellationToken cancellationToken);
}

/// <summary>Receives the peer lists a strategy produces.</summary>
public interface IPeerListSink
{
    /// <summary>The node the strategy runs on (gossip announces it; lists may contain it, it is ignored).</summary>
    NodeName Self { get; }

    /// <summary>Replaces the strategy's peer list. Publishing the same list again changes nothing.</summary>
    void Publish(IReadOnlySet<NodeName> peers);
}
