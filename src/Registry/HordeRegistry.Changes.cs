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
        if (after is not null)
            Settle(name, before, after);
        else if (origin == ChangeOrigin.Neighbour)
            Forget(PutBackAsync(name, before), name); // removed by another node: see PutBackAsync
        // else removed here: an unregister, or the clean-up of the holder
    }

    /// <summary>
    /// Another node removed the name of a live holder here: it thought this node gone (a partition past the grace). The
    /// name is put back, unless another holder has it by now: a node that removed it also registered its own holder, and
    /// that register often arrives as a change of its own after the removal. The two holders are then settled as when one
    /// replaced the other, or this node's holder would never learn it lost and the id would run twice.
    /// </summary>
    private async Task PutBackAsync(string name, RegistryEntry<TValue> removed)
    {
        RegistryEntry<TValue>? taker = null;
        await _names.UpdateAsync(name, (current, exists) =>
        {
            if (exists && current!.Pid != removed.Pid && _node.IsReachable(current.Pid))
            {
                taker = current; // settled below, outside the replica's turn
                return (false, current);
            }
            var free = !exists || current!.Pid != removed.Pid; // absent, or held by a process known unreachable
            return (free && _node.IsReachable(removed.Pid), free ? removed : current!);
        });
        if (taker is not null && _node.IsReachable(removed.Pid))
        {
            lock (_changes)
                Settle(name, removed, taker);
        }
    }

    /// <summary>The live local <paramref name="holder"/> of <paramref name="name"/> met another, <paramref name="taker"/>: the larger epoch keeps it.</summary>
    private void Settle(string name, RegistryEntry<TValue> holder, RegistryEntry<TValue> taker)
    {
        if (_settling.TryGetValue(name, out var settling) && settling.Pid == holder.Pid)
            return; // a register still settling: it answers AlreadyRegistered, the process is not told by an exit
        if (holder.Epoch > taker.Epoch)
        {
            Reassert(name, holder, current => current is not null && current.Pid == taker.Pid);
            return;
        }
        _metrics.Conflicts.Add(1, _metricTags);
        RegistryLog.NameConflict(_logger, Name, holder.Pid, name, taker.Pid);
        _conflictResolved?.Invoke(name, holder.Pid, taker.Pid);
        holder.Pid.Exit(NameConflict.Reason(name, holder.Value, taker.Pid));
        _watcher?.Send(new RegistryLost(name, holder.Pid));
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
