namespace Horde.Net.Cluster;

/// <summary>
/// A process whose state is one value of type <typeparamref name="TState"/>: the state it starts from, that its handlers
/// replace, and that later layers hand off to a successor when the process moves.
/// </summary>
public abstract class GenServer<TState> : HordeProcess
{
    /// <summary>The current state. Handlers read and replace it; only the process's own thread of control touches it.</summary>
    public TState State { get; protected set; } = default!;

    /// <summary>The state a fresh process starts from.</summary>
    protected abstract TState InitialState();

    /// <summary>Sets <see cref="State"/> to <see cref="InitialState"/>. An override must call it.</summary>
    protected override ValueTask InitAsync()
    {
        State = InitialState();
        return default;
    }
}
