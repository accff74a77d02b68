namespace Horde.Net.Cluster;

/// <summary>
/// A process held between two messages by <see cref="Node.SuspendAsync(Pid, TimeSpan)"/>: it handles nothing, and every
/// envelope already queued or arriving later waits, in order, until one of <see cref="ForwardTo"/>, <see cref="Resume"/>
/// or <see cref="Abandon"/> decides what becomes of them. Used by the distributed supervisor to hand a child off.
/// </summary>
public sealed class Suspension
{
    /// <summary>How long a forwarding process waits for a quiet mailbox before it exits, by default.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a forwarding process stays, by default, however busy its mailbox.</summary>
    public static readonly TimeSpan DefaultMaxWindow = TimeSpan.FromSeconds(5);

    private readonly HordeProcess _process;
    private int _decided;

    internal Suspension(HordeProcess process, Pid pid, ReadOnlyMemory<byte>? state, long stateVersion)
    {
        _process = process;
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
    public Task<ExitReason> Completion => _process.Completion;

    /// <summary>
    /// Sends every held envelope, and every later one, to <paramref name="successor"/> in arrival order (calls are answered
    /// by the successor); then the process exits with <see cref="ExitReason.Moved(Pid)"/> once no message arrived for
    /// <paramref name="quietPeriod"/> (100 ms by default), or at the latest after <paramref name="maxWindow"/> (5 s by
    /// default). Links, monitors and exit signals of the old process are not forwarded: they concern it alone.
    /// </summary>
    /// <exception cref="InvalidOperationException">The suspension was already forwarded, resumed or abandoned.</exception>
    public void ForwardTo(Pid successor, TimeSpan? quietPeriod = null, TimeSpan? maxWindow = null)
    {
        ArgumentNullException.ThrowIfNull(successor);
        var quiet = quietPeriod ?? DefaultQuietPeriod;
        var max = maxWindow ?? DefaultMaxWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(quiet, TimeSpan.Zero, nameof(quietPeriod));
        ArgumentOutOfRangeException.ThrowIfLessThan(max, quiet, nameof(maxWindow));
        if (successor == Pid)
            throw new ArgumentException("A process cannot be forwarded to itself.", nameof(successor));
        Decide();
        var node = _process.NodeOrNull!;
        _process.ForwardSuspended(node.Resolve(successor), quiet, max);
    }

    /// <summary>The handoff failed: the process goes on handling the held envelopes in order, as if nothing happened.</summary>
    /// <exception cref="InvalidOperationException">The suspension was already forwarded, resumed or abandoned.</exception>
    public void Resume()
    {
        Decide();
        _process.ResumeSuspended();
    }

    /// <summary>Ends the process with <paramref name="reason"/> (without terminate); held calls fail with <see cref="ProcessExitedException"/> carrying it.</summary>
    /// <exception cref="InvalidOperationException">The suspension was already forwarded, resumed or abandoned.</exception>
    public void Abandon(ExitReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Decide();
        _process.AbandonSuspended(reason);
    }

    private void Decide()
    {
        if (Interlocked.Exchange(ref _decided, 1) != 0)
            throw new InvalidOperationException($"The suspension of {Pid} was already forwarded, resumed or abandoned.");
    }
}
