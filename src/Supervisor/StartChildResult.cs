using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

/// <summary>What a start of a child came to.</summary>
public enum StartChildStatus
{
    /// <summary>A new instance runs.</summary>
    Started,

    /// <summary>The id runs already; <see cref="StartChildResult.Pid"/> is that instance (no second one was started).</summary>
    AlreadyStarted,

    /// <summary>Nothing runs; <see cref="StartChildResult.Error"/> says why.</summary>
    Failed,

    /// <summary>
    /// The start reached the member that runs the child, but its answer did not come back in time: the child may run
    /// there. Ask again (a second start answers <see cref="AlreadyStarted"/> if it runs) or look it up by id.
    /// </summary>
    Unknown,
}

/// <summary>The answer to <see cref="HordeSupervisor.StartChildAsync"/>: a value, so that "already started" and the ordinary failures need no exception.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Pid">The running instance (started or already there).</param>
/// <param name="Error">Why it failed: no members, quorum not met, node leaving, timeout, unknown child type.</param>
public readonly record struct StartChildResult(StartChildStatus Status, Pid? Pid, string? Error)
{
    /// <summary>True if the child runs (started now or before).</summary>
    public bool IsRunning => Status is StartChildStatus.Started or StartChildStatus.AlreadyStarted;

    /// <summary>A new instance.</summary>
    public static StartChildResult Started(Pid pid) => new(StartChildStatus.Started, pid, null);

    /// <summary>The instance that ran already.</summary>
    public static StartChildResult AlreadyStarted(Pid pid) => new(StartChildStatus.AlreadyStarted, pid, null);

    /// <summary>A failure with its reason.</summary>
    public static StartChildResult Failed(string error) => new(StartChildStatus.Failed, null, error);

    /// <summary>A start whose answer did not come in time, with what is known.</summary>
    public static StartChildResult Unknown(string error) => new(StartChildStatus.Unknown, null, error);

    /// <summary>The running pid, or a <see cref="SupervisorException"/> with the error.</summary>
    public Pid EnsureRunning() => Pid is { } pid && IsRunning ? pid : throw new SupervisorException(Error ?? "The child did not start.");

    internal SupervisorStartReply ToReply() => new(Status, Pid, Error);

    internal static StartChildResult From(SupervisorStartReply reply) => new(reply.Status, reply.Pid, reply.Error);

    /// <inheritdoc />
    public override string ToString() => IsRunning ? $"{Status}({Pid})" : $"{Status}({Error})";
}

/// <summary>A supervisor operation that could not be done: no members, quorum not met, node leaving, timeout.</summary>
public sealed class SupervisorException(string message) : Exception(message);
