namespace Horde.Net.Cluster.Membership;

/// <summary>A node joined or left the members this node sees.</summary>
public sealed class NodeMembershipEventArgs(NodeName node) : EventArgs
{
    /// <summary>The node that joined or left.</summary>
    public NodeName Node { get; } = node;
}

/// <summary>The member list changed.</summary>
public sealed class MembersChangedEventArgs(IReadOnlyList<NodeName> members, IReadOnlyList<NodeName> joined, IReadOnlyList<NodeName> left) : EventArgs
{
    /// <summary>All members now, this node included, in name order.</summary>
    public IReadOnlyList<NodeName> Members { get; } = members;

    /// <summary>The nodes that joined with this change.</summary>
    public IReadOnlyList<NodeName> Joined { get; } = joined;

    /// <summary>The nodes that left with this change.</summary>
    public IReadOnlyList<NodeName> Left { get; } = left;
}
