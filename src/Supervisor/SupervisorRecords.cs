using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Supervisor;

/// <summary>A supervisor member's status, as the replicated map and <see cref="HordeSupervisor.Members"/> show it.</summary>
public enum MemberStatus
{
    /// <summary>Running and taking children.</summary>
    Alive,

    /// <summary>Its node is draining: it takes no new children and hands its own off.</summary>
    Leaving,

    /// <summary>Not reachable from this node (killed, partitioned, or stopped).</summary>
    Gone,
}

/// <summary>One member of a supervisor.</summary>
/// <param name="Node">The member's node.</param>
/// <param name="Status">Its status as this node sees it.</param>
public readonly record struct SupervisorMember(NodeName Node, MemberStatus Status);

/// <summary>A member's own entry in the members map (public for the serializer; not for application code).</summary>
/// <param name="Status">What the member says of itself.</param>
/// <param name="Incarnation">The node run that wrote it.</param>
[MessagePackObject]
public sealed record MemberRecord([property: Key(0)] MemberStatus Status, [property: Key(1)] ulong Incarnation);

/// <summary>A child as the cluster knows it: its spec, the node run that owns it and the epoch of its current instance (public for the serializer).</summary>
/// <param name="Spec">The child's spec.</param>
/// <param name="Owner">The node that runs it.</param>
/// <param name="OwnerIncarnation">That node's run.</param>
/// <param name="Epoch">The current instance's epoch.</param>
[MessagePackObject]
public sealed record ChildRecord(
    [property: Key(0)] HordeChildSpec Spec,
    [property: Key(1)] NodeName Owner,
    [property: Key(2)] ulong OwnerIncarnation,
    [property: Key(3)] long Epoch);

/// <summary>A child's state kept in the map: a checkpoint, or a handoff with no peer left. Written only by an instance whose epoch is not older (public for the serializer).</summary>
/// <param name="Epoch">The epoch of the instance that wrote it.</param>
/// <param name="Version">The state version it holds.</param>
/// <param name="State">The serialized state.</param>
[MessagePackObject]
public sealed record StateRecord([property: Key(0)] long Epoch, [property: Key(1)] long Version, [property: Key(2)] byte[] State);
