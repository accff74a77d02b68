using MessagePack;

namespace Horde.Net.Cluster;

/// <summary>
/// A process whose state is one value of type <typeparamref name="TState"/>: the state it starts from, that its handlers
/// replace, and that the distributed supervisor hands off to a successor when the process moves.
/// </summary>
/// <remarks>
/// A GenServer whose <typeparamref name="TState"/> serializes with MessagePack (with <see cref="StateSerializerOptions"/>:
/// Horde.Net's types such as pids, then MessagePack's standard resolvers) can be handed off and checkpointed with no
/// further code. A state change is seen when a handler assigns <see cref="State"/>; a state mutated in place is still
/// handed off exactly, but a checkpointer that watches the version only sees it at the next assignment.
/// </remarks>
public abstract class GenServer<TState> : HordeProcess
{
    private TState _state = default!;
    private long _stateVersion;
    private bool _restored;

    /// <summary>The current state. Handlers read and replace it; only the process's own thread of control touches it.</summary>
    public TState State
    {
        get => _state;
        protected set
        {
            _state = value;
            Volatile.Write(ref _stateVersion, _stateVersion + 1); // one writer (the process); readers on other threads
        }
    }

    /// <summary>The state a fresh process starts from (not called when it starts from a handed-off state).</summary>
    protected abstract TState InitialState();

    /// <summary>How the state is written for handoff and read back by the successor: <see cref="HordeSerializer.OptionsFor"/> by default.</summary>
    protected virtual MessagePackSerializerOptions StateSerializerOptions => Node.StateOptions;

    /// <summary>Sets <see cref="State"/> to <see cref="InitialState"/>, unless it was restored from a handoff. An override must call it.</summary>
    protected override ValueTask InitAsync()
    {
        if (!_restored)
            State = InitialState();
        return default;
    }

    internal sealed override bool HasState => true;

    internal sealed override long StateVersion => Volatile.Read(ref _stateVersion);

    internal sealed override void RestoreState(ReadOnlyMemory<byte> bytes)
    {
        State = MessagePackSerializer.Deserialize<TState>(bytes, StateSerializerOptions);
        _restored = true;
    }

    internal sealed override ReadOnlyMemory<byte> CaptureState() => MessagePackSerializer.Serialize(_state, StateSerializerOptions);
}
