using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

/// <summary>Decides which member runs a child. Every node must answer the same for the same members, or placement forwards.</summary>
public interface IDistributionStrategy
{
    /// <summary>
    /// The member that should run <paramref name="childId"/>, or null to refuse. <paramref name="members"/> are the live
    /// members that take children (none leaving), sorted, the same list on every node that sees the same cluster.
    /// </summary>
    NodeName? ChooseNode(string childId, IReadOnlyList<NodeName> members);

    /// <summary>
    /// The member that restarts or takes over a child whose node went or is leaving. Every node must pick the same one,
    /// so a strategy that is not deterministic (random) answers with the hash ring here.
    /// </summary>
    NodeName? ChooseSuccessor(string childId, IReadOnlyList<NodeName> members) => ChooseNode(childId, members);

    /// <summary>
    /// Whether <paramref name="alive"/> members out of <paramref name="total"/> known may run children. A strategy that
    /// answers false makes the supervisor refuse starts and stop its children until it is true again.
    /// </summary>
    bool HasQuorum(int alive, int total) => alive > 0;
}
