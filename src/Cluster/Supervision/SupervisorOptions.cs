namespace Horde.Net.Cluster.Supervision;

/// <summary>What a supervisor restarts when one child must be restarted (OTP's strategies).</summary>
public enum RestartStrategy
{
    /// <summary>Only that child.</summary>
    OneForOne,

    /// <summary>All children: the others are stopped in reverse start order, then all start again in order.</summary>
    OneForAll,

    /// <summary>That child and those started after it.</summary>
    RestForOne,
}

/// <summary>Settings of a <see cref="Supervisor"/> or <see cref="DynamicSupervisor"/>.</summary>
public sealed record SupervisorOptions
{
    /// <summary>The restart strategy: <see cref="RestartStrategy.OneForOne"/> by default. A dynamic supervisor is always one for one.</summary>
    public RestartStrategy Strategy { get; init; } = RestartStrategy.OneForOne;

    /// <summary>
    /// Restart intensity: more than this many restarts within <see cref="Period"/> and the supervisor stops its children
    /// and exits with <c>shutdown</c>. 3 by default.
    /// </summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>The window of <see cref="MaxRestarts"/>: 5 s by default.</summary>
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>For a dynamic supervisor: how many children it runs at most (no limit by default).</summary>
    public int MaxChildren { get; init; } = int.MaxValue;

    /// <summary>The clock restart intensity is measured with.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (MaxRestarts < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxRestarts), MaxRestarts, "MaxRestarts must be zero or more.");
        if (Period <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(Period), Period, "Period must be positive.");
        if (MaxChildren < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxChildren), MaxChildren, "MaxChildren must be at least 1.");
    }
}
