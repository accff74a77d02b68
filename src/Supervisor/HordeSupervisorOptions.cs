using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Supervisor;

/// <summary>When children move between live members.</summary>
public enum Redistribution
{
    /// <summary>Only when their node goes or leaves (the default).</summary>
    Passive,

    /// <summary>Also when a member joins: children whose ring owner changed hand off to it.</summary>
    Active,
}

/// <summary>Settings of a distributed supervisor; the defaults suit most clusters.</summary>
public sealed class HordeSupervisorOptions
{
    /// <summary>The nodes that are members. Null (the default) is <c>auto</c>: every connected node running a supervisor of this name.</summary>
    public IReadOnlyList<NodeName>? Members { get; set; }

    /// <summary>Where children go: <see cref="UniformDistribution"/> by default.</summary>
    public IDistributionStrategy Strategy { get; set; } = new UniformDistribution();

    /// <summary>Passive (default) or active redistribution.</summary>
    public Redistribution Redistribution { get; set; } = Redistribution.Passive;

    /// <summary>The child types this node can start; register the same ones on every node.</summary>
    public ChildTypes ChildTypes { get; } = new();

    /// <summary>Registers a child type (see <see cref="ChildTypes.Add{T}"/>).</summary>
    public HordeSupervisorOptions AddChildType<T>(string? name = null) where T : HordeProcess
    {
        ChildTypes.Add<T>(name);
        return this;
    }

    /// <summary>Where constructor-injected child types get their services; set by <c>AddSupervisor</c> in a host.</summary>
    public IServiceProvider? Services { get; set; }

    /// <summary>How long a start, terminate or call waits when none is given. 5 s by default.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a start may be forwarded between members before it is refused. 3 by default.</summary>
    public int MaxHops { get; set; } = 3;

    /// <summary>How many children hand off at once while the node drains. 64 by default.</summary>
    public int HandoffConcurrency { get; set; } = 64;

    /// <summary>
    /// How long a child may take to finish its current message when it is suspended for a move. 5 s by default. On a
    /// leaving node a child past it is asked again (logged, event 5006) until the drain's deadline.
    /// </summary>
    public TimeSpan SuspendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Restart intensity, per child: a child that crashes more than this many times within <see cref="RestartPeriod"/> is
    /// given up (logged, event 5024) rather than restarted in a loop, and leaves the cluster's children; starting it again
    /// is up to the caller. 3 by default. Unlike a local supervisor this one goes on: one crashing child does not stop the others.
    /// </summary>
    public int MaxRestarts { get; set; } = 3;

    /// <summary>The window of <see cref="MaxRestarts"/>: 5 s by default.</summary>
    public TimeSpan RestartPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the supervisor checks for children to restart, checkpoints to write and the quorum. 200 ms by default.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Settings of the replicated maps (sync interval, message sizes).</summary>
    public ReplicaOptions? Replica { get; set; }

    /// <summary>
    /// A directory where this node keeps the supervisor's children and their handed-off and checkpointed states on
    /// disk (one snapshot file per map), or null (the default) to keep them only in memory and on the other members.
    /// With it, the last member to leave parks its children's states there, and a node started again on the same
    /// directory restarts those children from them: a whole cluster can stop and start without losing them.
    /// </summary>
    public string? StateDirectory { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Strategy, nameof(Strategy));
        if (CallTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "CallTimeout must be positive.");
        if (SuspendTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(SuspendTimeout), SuspendTimeout, "SuspendTimeout must be positive.");
        if (TickInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(TickInterval), TickInterval, "TickInterval must be positive.");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHops, nameof(MaxHops));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRestarts, nameof(MaxRestarts));
        if (RestartPeriod <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RestartPeriod), RestartPeriod, "RestartPeriod must be positive.");
        ArgumentOutOfRangeException.ThrowIfLessThan(HandoffConcurrency, 1, nameof(HandoffConcurrency));
        if (StateDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
            throw new ArgumentException("StateDirectory must be a path, or null to keep no state on disk.", nameof(StateDirectory));
    }
}
