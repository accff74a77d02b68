using Horde.Net.Cluster;
using Horde.Net.Crdt.Storage;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt;

/// <summary>
/// What outlives one replica process: the settings, the storage, the subscribers and the current process, so that a
/// <see cref="Replica{TKey, TValue}"/> handle keeps working across restarts by its supervisor.
/// </summary>
internal sealed class ReplicaHost<TKey, TValue>(ReplicaOptions options, IReplicaStorage? storage, TimeSpan tickInterval, string? name)
    where TKey : notnull
{
    private volatile ReplicaProcess<TKey, TValue>? _current;
    private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Action<Exception>? _handlerFailed; // made once, not per change

    public ReplicaOptions Options { get; } = options;

    public IReplicaStorage? Storage { get; } = storage;

    public TimeSpan TickInterval { get; } = tickInterval;

    /// <summary>The name the replica registers on its node and looks for on the others; null for a replica wired by hand.</summary>
    public string? Name { get; } = name;

    public ReplicaProcess<TKey, TValue> Current => _current ?? throw new InvalidOperationException("The replica has not started.");

    /// <summary>Completes when the next incarnation has started (for a call that found the process gone).</summary>
    public Task NextStart => Volatile.Read(ref _started).Task;

    public event Action<IReadOnlyList<Diff<TKey, TValue>>>? Changed;

    /// <summary>Called by a new incarnation at the end of its init, on its own process.</summary>
    public void Started(ReplicaProcess<TKey, TValue> process)
    {
        var previous = _current;
        _current = process;
        if (previous is not null)
        {
            RaiseRestartDiffs(previous.Core.View, process.Core.View);
        }

        Interlocked.Exchange(ref _started, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Calls each subscriber on its own, so that one that throws neither stops the others nor the replica.</summary>
    public void Raise(IReadOnlyList<Diff<TKey, TValue>> diffs) =>
        Subscribers.RaiseEach(Changed, diffs, _handlerFailed ??= e => _current?.OnHandlerFailed(e));

    /// <summary>Subscribers saw the old incarnation's state; tell them how the restored one differs, so they miss nothing.</summary>
    private void RaiseRestartDiffs(IReadOnlyDictionary<TKey, TValue> before, IReadOnlyDictionary<TKey, TValue> after)
    {
        if (Changed is null)
        {
            return;
        }

        var diffs = new List<Diff<TKey, TValue>>();
        var values = EqualityComparer<TValue>.Default;
        foreach (var (key, old) in before)
        {
            if (!after.TryGetValue(key, out var now))
            {
                diffs.Add(new(DiffKind.Remove, key, default) { HadPrevious = true, Previous = old, Origin = ChangeOrigin.Restart });
            }
            else if (!values.Equals(old, now))
            {
                diffs.Add(new(DiffKind.Add, key, now) { HadPrevious = true, Previous = old, Origin = ChangeOrigin.Restart });
            }
        }

        foreach (var (key, now) in after)
        {
            if (!before.ContainsKey(key))
            {
                diffs.Add(new(DiffKind.Add, key, now) { Origin = ChangeOrigin.Restart });
            }
        }

        if (diffs.Count > 0)
        {
            Raise(diffs);
        }
    }
}
