using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Registry;

/// <summary>Settings of a registry; the defaults suit most clusters.</summary>
public sealed record RegistryOptions
{
    /// <summary>
    /// The nodes whose registries of this name share it. Null (the default) is <c>auto</c>: every connected node that
    /// runs a registry of this name.
    /// </summary>
    public IReadOnlyList<NodeName>? Members { get; init; }

    /// <summary>Settings of the replicated map that holds the names (sync interval, message sizes).</summary>
    public ReplicaOptions? Replica { get; init; }

    /// <summary>
    /// How long a node that dropped without a goodbye (connection lost, or disconnected by this node) keeps its names
    /// before they are removed; one that comes back as the same incarnation in time keeps them. Null: the node's
    /// <see cref="NodeOptions.FailureThreshold"/>.
    /// </summary>
    public TimeSpan? NodeDownGrace { get; init; }

    /// <summary>
    /// How long a register waits for the other members to acknowledge it, so that its answer agrees with theirs (a
    /// member that does not answer in time is settled later by conflict resolution). Default 2 s.
    /// </summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a send, cast or call by name waits for the name when none is given. Default 5 s.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (NodeDownGrace is { } grace && grace < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(NodeDownGrace), grace, "NodeDownGrace must not be negative.");
        if (SettleTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SettleTimeout), SettleTimeout, "SettleTimeout must be positive.");
        if (CallTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "CallTimeout must be positive.");
    }
}
