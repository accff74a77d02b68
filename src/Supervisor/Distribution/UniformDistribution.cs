using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

/// <summary>Places each child on the owner of its id on a <see cref="HashRing"/> of the members (Horde's uniform distribution). The default.</summary>
/// <param name="virtualNodes">Points per member on the ring: 128 by default.</param>
public class UniformDistribution(int virtualNodes = 128) : IDistributionStrategy
{
    private HashRing? _ring;

    /// <inheritdoc />
    public NodeName? ChooseNode(string childId, IReadOnlyList<NodeName> members) => Ring(members).Owner(childId);

    /// <inheritdoc />
    public NodeName? ChooseSuccessor(string childId, IReadOnlyList<NodeName> members) => Ring(members).Owner(childId);

    /// <inheritdoc />
    public virtual bool HasQuorum(int alive, int total) => alive > 0;

    private HashRing Ring(IReadOnlyList<NodeName> members)
    {
        var ring = _ring;
        if (ring is null || !ring.Members.SequenceEqual(members))
            _ring = ring = new HashRing(members, virtualNodes);
        return ring;
    }
}

/// <summary>
/// The uniform ring, refusing to run without a majority: with at most half of the known members reachable it refuses
/// starts and stops its children (the majority side restarts them).
/// </summary>
/// <param name="virtualNodes">Points per member on the ring.</param>
public sealed class UniformQuorumDistribution(int virtualNodes = 128) : UniformDistribution(virtualNodes)
{
    /// <inheritdoc />
    public override bool HasQuorum(int alive, int total) => alive > total / 2;
}

/// <summary>Places each new child on a random member; restarts and handoffs use the ring, so every node agrees on them.</summary>
public sealed class UniformRandomDistribution : IDistributionStrategy
{
    private readonly UniformDistribution _ring = new();

    /// <inheritdoc />
    public NodeName? ChooseNode(string childId, IReadOnlyList<NodeName> members) =>
        members.Count == 0 ? null : members[Random.Shared.Next(members.Count)];

    /// <inheritdoc />
    public NodeName? ChooseSuccessor(string childId, IReadOnlyList<NodeName> members) => _ring.ChooseNode(childId, members);
}
