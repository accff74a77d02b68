using MessagePack;

namespace Horde.Net.Cluster;

// The runtime side of state handoff: suspend a local process between two messages, capture its state, and (through the
// Suspension) forward what it holds to its successor. The distributed supervisor builds moves and checkpoints on these.
public sealed partial class Node
{
    private MessagePackSerializerOptions? _stateOptions;

    /// <summary>
    /// <see cref="HordeSerializer.OptionsFor(Node, IFormatterResolver?)"/> made once per node: a resolver made per capture
    /// would rebuild its formatter cache every time.
    /// </summary>
    internal MessagePackSerializerOptions StateOptions => _stateOptions ??= HordeSerializer.OptionsFor(this);

    /// <summary>
    /// Suspends a local process: it finishes the message it is handling and then handles no more; its state after that
    /// message is serialized into <see cref="Suspension.State"/>, and every envelope queued or arriving later is held.
    /// </summary>
    /// <param name="pid">A process of this node.</param>
    /// <param name="timeout">How long to wait for the current message to finish.</param>
    /// <exception cref="TimeoutException">The process did not reach a message boundary in time; it goes on running.</exception>
    /// <exception cref="ProcessExitedException">The process is not running here, or exited before it was suspended.</exception>
    /// <exception cref="InvalidOperationException">The process is already suspended, or its state could not be serialized (it goes on running).</exception>
    public async Task<Suspension> SuspendAsync(Pid pid, TimeSpan timeout)
    {
        var process = LocalForHandoff(pid);
        var suspension = process.RequestSuspend();
        try
        {
            return await suspension.WaitAsync(timeout);
        }
        catch (TimeoutException) when (process.TryCancelSuspend())
        {
            throw new TimeoutException($"Process {pid} did not finish its current message within {timeout.TotalMilliseconds:0} ms; it was not suspended.");
        }
        catch (TimeoutException)
        {
            return await suspension; // it reached the boundary as the wait ran out: the suspension stands
        }
    }

    /// <summary>
    /// Serializes a local <see cref="GenServer{TState}"/>'s state between two messages (queued after those already in its
    /// mailbox), for checkpoints. Call it when <see cref="GetStateVersion(Pid)"/> moved past the last checkpoint.
    /// </summary>
    /// <param name="pid">A process of this node.</param>
    /// <param name="timeout">How long to wait for the process to get to it: 5 s by default.</param>
    /// <exception cref="TimeoutException">The process did not get to it in time.</exception>
    /// <exception cref="ProcessExitedException">The process is not running here, or exited first.</exception>
    /// <exception cref="InvalidOperationException">The process is not a <see cref="GenServer{TState}"/>, or its state could not be serialized.</exception>
    public async Task<StateCapture> CaptureStateAsync(Pid pid, TimeSpan? timeout = null)
    {
        var process = LocalForHandoff(pid);
        if (!process.CanHandOff)
            throw new InvalidOperationException($"{process.GetType().Name} is not a GenServer<TState>; it has no state to capture.");
        var wait = timeout ?? TimeSpan.FromSeconds(5);
        var reply = ReplySource<StateCapture>.Rent(wait, CancellationToken.None);
        if (!process.Post(new Envelope(EnvelopeKind.Call, CaptureRequest.Instance, reply, reply.CallId)))
            reply.Fail(reply.CallId, new ProcessExitedException(pid, ExitReason.NoProc));
        return await reply.Task;
    }

    /// <summary>
    /// A cheap read of a local <see cref="GenServer{TState}"/>'s state version: it grows each time a handler assigns
    /// <see cref="GenServer{TState}.State"/>. Null when the process is not a running GenServer of this node.
    /// </summary>
    public long? GetStateVersion(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        return pid.IsOn(this) && TryGetLocal(pid.Serial, out var process) && process.IsAlive && process.CanHandOff ? process.StateVersion : null;
    }

    private HordeProcess LocalForHandoff(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        if (!pid.IsOn(this) || !TryGetLocal(pid.Serial, out var process) || !process.IsAlive)
            throw new ProcessExitedException(pid, ExitReason.NoProc);
        return process;
    }
}
