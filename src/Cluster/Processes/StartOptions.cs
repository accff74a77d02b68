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
}
