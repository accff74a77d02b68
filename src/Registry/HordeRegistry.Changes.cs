using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Registry;

// What the registry does as the names' map changes on this node, on the replica's process and in the map's order:
// keeps the by-process index, tells listeners, has the watcher monitor new local holders, settles conflicts (the loser
// is told by its own node only, so it gets exactly one exit) and puts back the names of live local holders that
// another node removed while it thought this node gone.
public sealed partial class HordeRegistry<TValue>
{
    private readonly Lock _changes = new();
    private Action<RegistryEvent<TValue>>[] _listeners = [];

    /// <summary>
    /// Calls <paramref name="listener"/> with every register, unregister and value change of this node's replica, in
    /// the order they happen here. It runs on the replica's process: it must be quick and must not call the registry.
    /// Dispose the result to stop.
    /// </summary>
    public IDisposable Listen(Action<RegistryEvent<TValue>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_changes)
            _listeners = [.. _listeners, listener];
        return new Unsubscribe(() =>
        {
            lock (_changes)
                _listeners = [.. _listeners.Where(l => l != listener)];
        });
    }

    /// <summary>Sends every <see cref="RegistryEvent{TValue}"/> to <paramref name="process"/> (a local one), in order.</summary>
    public IDisposable Listen(Pid process)
    {
        ArgumentNullException.ThrowIfNull(process);
        return Listen(process.Send);
    }

    private async Task StartWatchingAsync()
    {
        _watcher = await _node.StartAsync(() => new RegistryWatcher<TValue>(this), new StartOptions { Name = WatcherName });
        _subscription = await _names.SubscribeAsync(OnChanged);
        lock (_changes)
        {
            foreach (var (name, entry) in _subscription.Snapshot)
                Added(name, entry);
        }
    }

    private void OnChanged(IReadOnlyList<Diff<string, RegistryEntry<TValue>>> diffs)
    {
        lock (_changes)
        {
            foreach (var diff in diffs)
            {
                try
                {
                    OnChanged(diff);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    RegistryLog.ChangeFailed(_logger, e, Name, diff.Key);
                }
            }
        }
    }

    private void OnChanged(in Diff<string, RegistryEntry<TValue>> diff)
    {
        var name = diff.Key;
        var before = diff.HadPrevious ? diff.Previous : null;
        var after = diff.Kind == DiffKind.Add ? diff.Value : null;
        if (before is not null && after is not null && before.Pid == after.Pid)
        {
            if (!EqualityComparer<TValue>.Default.Equals(before.Value, after.Value))
                Raise(RegistryEventKind.ValueUpdated, name, after.Pid, after.Value);
            return;
        }
        if (before is not null)
        {
            Unindex(name, before.Pid);
            Raise(RegistryEventKind.Unregistered, name, before.Pid, before.Value);
            if (IsMine(before.Pid) && _node.IsReachable(before.Pid))
                LostByLiveHolder(name, before, after, diff.Origin);
        }
        if (after is not null)
        {
            Added(name, after);
            Raise(RegistryEventKind.Registered, name, after.Pid, after.Value);
        }
    }

    /// <summary>A live process of this node no longer holds <paramref name="name"/>: find out whether it should.</summary>
    private void LostByLiveHolder(string name, RegistryEntry<TValue> before, RegistryEntry<TValue>? after, ChangeOrigin origin)
    {
        if (after is null)
        {
            // Removed here: an unregister, or the clean-up of the holder. Removed by another node: it thought this node
            // gone (a partition past the grace); the holder lives, so the name is put back.
            if (origin == ChangeOrigin.Neighbour)
                Reassert(name, before, current => current is null);
            return;
        }
        if (_settling.TryGetValue(name, out var settling) && settling.Pid == before.Pid)
            return; // a register still settling: it answers AlreadyRegistered, the process is not told by an exit
        if (before.Epoch > after.Epoch)
        {
            Reassert(name, before, current => current is not null && current.Pid == after.Pid);
            return;
        }
        _metrics.Conflicts.Add(1, _metricTags);
        RegistryLog.NameConflict(_logger, Name, before.Pid, name, after.Pid);
        _conflictResolved?.Invoke(name, before.Pid, after.Pid);
        before.Pid.Exit(NameConflict.Reason(name, before.Value, after.Pid));
        _watcher?.Send(new RegistryLost(name, before.Pid));
    }

    private void Reassert(string name, RegistryEntry<TValue> entry, Func<RegistryEntry<TValue>?, bool> when) =>
        Forget(_names.UpdateAsync(name, (current, exists) =>
            when(exists ? current : null) && _node.IsReachable(entry.Pid) ? (true, entry) : (false, current!)), name);

    private void Added(string name, RegistryEntry<TValue> entry)
    {
        _byPid.GetOrAdd(entry.Pid, _ => new(StringComparer.Ordinal))[name] = 0;
        if (entry.Pid.Node != _node.Name)
            return;
        if (entry.Pid.Incarnation != _node.Incarnation)
            Forget(UnregisterHereAsync(name, entry.Pid), name); // a name of this node's previous run
        else if (!MonitoredHolders.ContainsKey(entry.Pid))
            _watcher?.Send(new RegistryWatch(entry.Pid)); // after indexing the name: see MonitoredHolders
    }

    private void Unindex(string name, Pid pid)
    {
        if (_byPid.TryGetValue(pid, out var names) && names.TryRemove(name, out _) && names.IsEmpty)
            _byPid.TryRemove(new KeyValuePair<Pid, System.Collections.Concurrent.ConcurrentDictionary<string, byte>>(pid, names));
    }

    private void Raise(RegistryEventKind kind, string name, Pid pid, TValue value)
    {
        if (_listeners.Length == 0)
            return; // no event to make
        var change = new RegistryEvent<TValue>(kind, name, pid, value);
        foreach (var listener in _listeners)
        {
            try
            {
                listener(change);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                RegistryLog.ListenerThrew(_logger, e, Name, change);
            }
        }
    }

    private sealed class Unsubscribe(Action end) : IDisposable
    {
        private Action? _end = end;

        public void Dispose() => Interlocked.Exchange(ref _end, null)?.Invoke();
    }
}
