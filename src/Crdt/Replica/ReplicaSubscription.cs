namespace Horde.Net.Crdt;

/// <summary>
/// A subscription to a replica's changes (<see cref="Replica{TKey, TValue}.SubscribeAsync"/>): the state when it began,
/// after which the handler gets every diff. Dispose it to end it.
/// </summary>
public sealed class ReplicaSubscription<TKey, TValue> : IDisposable
    where TKey : notnull
{
    private Action? _end;

    internal ReplicaSubscription(IReadOnlyDictionary<TKey, TValue> snapshot, Action end)
    {
        Snapshot = snapshot;
        _end = end;
    }

    /// <summary>The whole local state at the moment the handler was registered (a copy, the subscriber's to keep).</summary>
    public IReadOnlyDictionary<TKey, TValue> Snapshot { get; }

    /// <summary>Ends the subscription; the handler gets no later diffs.</summary>
    public void Dispose() => Interlocked.Exchange(ref _end, null)?.Invoke();
}
