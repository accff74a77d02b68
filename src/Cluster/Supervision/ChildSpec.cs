namespace Horde.Net.Cluster.Supervision;

/// <summary>When a supervisor restarts a child that exited (OTP's restart types).</summary>
public enum Restart
{
    /// <summary>Always.</summary>
    Permanent,

    /// <summary>Only after an abnormal exit (not <c>normal</c> or <c>shutdown</c>).</summary>
    Transient,

    /// <summary>Never; the child is forgotten when it exits.</summary>
    Temporary,
}

/// <summary>Whether a child is a worker or a supervisor; it changes the default shutdown timeout.</summary>
public enum ChildType
{
    /// <summary>A worker process.</summary>
    Worker,

    /// <summary>A supervisor, which needs time to stop its own children.</summary>
    Supervisor,
}

/// <summary>How a supervisor starts, restarts and stops one child.</summary>
/// <param name="Id">Names the child within its supervisor.</param>
/// <param name="Start">Makes a new process instance for each start.</param>
public sealed record ChildSpec(string Id, Func<HordeProcess> Start)
{
    /// <summary>When the child is restarted: <see cref="Restart.Permanent"/> by default.</summary>
    public Restart Restart { get; init; } = Restart.Permanent;

    /// <summary>
    /// How long the child has to run terminate on shutdown before it is killed: 5 s for a worker, 30 s for a
    /// supervisor. <see cref="TimeSpan.Zero"/> kills it at once (OTP's <c>brutal_kill</c>).
    /// </summary>
    public TimeSpan Shutdown { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Worker or supervisor.</summary>
    public ChildType Type { get; init; } = ChildType.Worker;

    /// <summary>A spec for a child that is itself a supervisor: 30 s to shut down.</summary>
    public static ChildSpec ForSupervisor(string id, Func<HordeProcess> start) =>
        new(id, start) { Type = ChildType.Supervisor, Shutdown = TimeSpan.FromSeconds(30) };
}
