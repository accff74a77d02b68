namespace Horde.Net.Cluster;

/// <summary>How to start a process.</summary>
public sealed record StartOptions
{
    /// <summary>Registers the process under this name on its node; the start fails with <see cref="NameTakenException"/> if the name is taken.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The parent: the new process is linked to it before init runs (OTP's <c>start_link</c>). A process without a parent
    /// is a root of its node, stopped by <see cref="Node.StopAsync(CancellationToken)"/> in reverse start order.
    /// </summary>
    public Pid? Parent { get; init; }

    /// <summary>How long the start waits for init: 5 s by default. On expiry the process is killed and the start fails.</summary>
    public TimeSpan InitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>For a root process: how long the node's shutdown waits for its terminate before killing it. 5 s by default.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A handed-off or checkpointed state (as <see cref="Suspension.State"/> or <see cref="Node.CaptureStateAsync(Pid, TimeSpan?)"/>
    /// gave it): a <see cref="GenServer{TState}"/> starts with its <see cref="GenServer{TState}.State"/> read from these
    /// bytes instead of <c>InitialState()</c>, before the rest of its init and before any message. Any other process fails
    /// to start with <see cref="ProcessStartException"/>, as does one whose state the bytes do not deserialize to.
    /// </summary>
    public ReadOnlyMemory<byte>? RestoredState { get; init; }
}
