namespace Horde.Net.Cluster.Supervision;

/// <summary>One child of a supervisor, as <see cref="Supervisor.WhichChildrenAsync"/> reports it.</summary>
/// <param name="Id">The child's id.</param>
/// <param name="Pid">Its pid, or null when it is not running.</param>
/// <param name="Type">Worker or supervisor.</param>
/// <param name="Restart">Its restart type.</param>
public sealed record ChildInfo(string Id, Pid? Pid, ChildType Type, Restart Restart);

/// <summary>Child counts, as OTP's <c>count_children</c>.</summary>
/// <param name="Specs">Children known, running or not.</param>
/// <param name="Active">Children running.</param>
/// <param name="Supervisors">Children that are supervisors.</param>
/// <param name="Workers">Children that are workers.</param>
public sealed record ChildCounts(int Specs, int Active, int Supervisors, int Workers);

/// <summary>A dynamic supervisor already runs its maximum number of children.</summary>
public sealed class MaxChildrenReachedException(int maxChildren)
    : Exception($"The supervisor already runs its maximum of {maxChildren} children.");

internal sealed record WhichChildren;
internal sealed record CountChildren;
internal sealed record StartChild(ChildSpec Spec);
internal sealed record TerminateChild(string Id);
internal sealed record TerminateChildPid(Pid Pid);
internal sealed record RestartChild(string Id);
internal sealed record DeleteChild(string Id);
