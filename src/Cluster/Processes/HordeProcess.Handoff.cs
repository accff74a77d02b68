namespace Horde.Net.Cluster;

// State capture and restore for handoff and checkpoints; the suspension machinery itself lives in the Handoff folder.
public abstract partial class HordeProcess
{
    /// <summary>
    /// True for a <see cref="GenServer{TState}"/>: its state can be handed off to a successor or checkpointed. Any other
    /// process moves without state (its successor starts fresh).
    /// </summary>
    public bool CanHandOff => HasState;

    internal virtual bool HasState => false;

    /// <summary>Grows with every state change of a <see cref="GenServer{TState}"/>; 0 for other processes.</summary>
    internal virtual long StateVersion => 0;

    /// <summary>Sets the state from handed-off bytes, before init's user part; on the process's own thread.</summary>
    internal virtual void RestoreState(ReadOnlyMemory<byte> bytes) =>
        throw new InvalidOperationException($"{GetType().Name} is not a GenServer<TState>; it cannot start from a handed-off state.");

    /// <summary>Serializes the state; on the process's own thread, between two messages.</summary>
    internal virtual ReadOnlyMemory<byte> CaptureState() =>
        throw new InvalidOperationException($"{GetType().Name} is not a GenServer<TState>; it has no state to capture.");
}
