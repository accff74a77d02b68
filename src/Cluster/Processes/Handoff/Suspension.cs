namespace Horde.Net.Cluster;

/// <summary>
/// A process held between two messages by <see cref="Node.SuspendAsync(Pid, TimeSpan)"/>: it handles nothing, and every
/// envelope already queued or arriving later waits, in order, until one of <see cref="ForwardTo"/>, <see cref="Resume"/>
/// or <see cref="Abandon"/> decides what becomes of them. Used by the distributed supervisor to hand a child off.
/// </summary>
public sealed class Suspension
{
    internal Suspension(Pid pid, ReadOnlyMemory<byte>? state, long stateVersion)
    {
        Pid = pid;
        State = state;
        StateVersion = stateVersion;
    }

    /// <summary>The suspended process.</summary>
    public Pid Pid { get; }

    /// <summary>
    /// The state after the last handled message, serialized with the process's state options (by default
    /// <see cref="HordeSerializer.OptionsFor(Node, MessagePack.IFormatterResolver?)"/>); null for a process that is not a
    /// <see cref="GenServer{TState}"/>.
    /// </summary>
    public ReadOnlyMemory<byte>? State { get; }

    /// <summary>The state's version when it was captured (see <see cref="Node.GetStateVersion(Pid)"/>).</summary>
    public long StateVersion { get; }

    /// <summary>Completes with the reason the process exited: <see cref="ExitReason.Moved(Pid)"/> after a forward.</summary>
    public Task<ExitReason> Completion => throw new NotImplementedException();

    /// <summary>
    /// Sends every held envelope, and every later one, to <paramref name="successor"/> in arrival order (calls are answered
    /// by the successor); then the process exits with <see cref="ExitReason.Moved(Pid)"/> once no message arrived for
    /// <paramref name="quietPeriod"/> (100 ms by default), or at the latest after <paramref name="maxWindow"/> (5 s by
    /// default). Links, monitors and exit signals of the old process are not forwarded: they concern it alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">The suspension was already forwarded, resumed or abandoned.</exception>
    public void ForwardTo(Pid successor, TimeSpan? quietPeriod = null, TimeSpan? maxWindow = null) => throw new NotImplementedException();

    /// <summary>The handoff failed: the process goes on handling the held envelopes in order, as if nothing happened.</summary>
    /// <exception cref="InvalidOperationException">The suspension was already forwarded, resumed or abandoned.</exception>
    public void Resume() => throw new NotImplementedException();

    /// <summary>Ends the process with <paramref name="reason"/> (without terminate); held calls fail with <see cref="ProcessExitedException"/> carrying it.</summary>
    /// <exception cref="InvalidOperationException">The suspension was already forwarded, resumed or abandoned.</exception>
    public void Abandon(ExitReason reason) => throw new NotImplementedException();
}
