using System.Collections.Concurrent;
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Registry;

// Writes: register, unregister, value updates. Only a holder's own node removes the name of a live holder, so that a
// node that was cut off and comes back can put back what others removed (see HordeRegistry.Changes.cs).
public sealed partial class HordeRegistry<TValue>
{
    // A register waiting for the other members to acknowledge it: concurrent registers of the same name on this node
    // wait for it before they answer, so that every answer names the same winner.
    private readonly ConcurrentDictionary<string, Settling> _settling = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<NodeName, Pid> _peerWatchers = new();

    /// <summary>
    /// Registers <paramref name="name"/> to <paramref name="pid"/>, a running process of this node, if no live process
    /// holds it (or the holder's epoch is smaller than <paramref name="epoch"/>: the name is taken from it and it exits
    /// with <see cref="NameConflict"/>). Concurrent registers of one name on this node: exactly one wins. The call waits
    /// for the other members to acknowledge the write (bounded by <see cref="RegistryOptions.SettleTimeout"/>), so every
    /// concurrent register in the cluster answers with the same holder; <see cref="Lookup"/> here sees it on return.
    /// </summary>
    /// <returns>Registered, or AlreadyRegistered with the holder (the pid itself if it held the name already).</returns>
    /// <exception cref="ArgumentException">The pid is not a running process of this node.</exception>
    public async Task<RegisterResult> RegisterAsync(string name, Pid pid, TValue? value = default, long epoch = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pid);
        for (var attempt = 0; ; attempt++)
        {
            if (!IsMine(pid) || !_node.IsReachable(pid))
                throw new ArgumentException($"{pid} is not a running process of node {_node.Name}; register a process on its own node.", nameof(pid));
            var mine = new Settling(pid);
            Task? other = null;
            var entry = new RegistryEntry<TValue>(pid, value!, epoch);
            bool wrote;
            try
            {
                wrote = await _names.UpdateAsync(name, (current, exists) =>
                {
                    if (exists && !IsDead(current!.Pid) && (current.Pid == pid || epoch <= current.Epoch))
                    {
                        other = _settling.TryGetValue(name, out var pending) ? pending.Done : null;
                        return (false, current);
                    }
                    _settling[name] = mine;
                    return (true, entry);
                }, WriteLevel.All, Options.SettleTimeout);
            }
            catch (WriteLevelTimeoutException)
            {
                wrote = true; // applied here; a member that did not acknowledge in time is settled by conflict resolution
            }
            finally
            {
                mine.Finish();
                _settling.TryRemove(new KeyValuePair<string, Settling>(name, mine));
            }

            if (other is not null)
                await other.WaitAsync(Options.SettleTimeout + Options.SettleTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
            if (_names.TryGetValue(name, out var now) && !IsDead(now.Pid))
                return now.Pid == pid && wrote ? RegisterResult.Registered(pid) : RegisterResult.AlreadyRegistered(now.Pid);
            if (attempt == 2)
                return wrote ? RegisterResult.Registered(pid) : RegisterResult.AlreadyRegistered(now?.Pid ?? pid);
            // The winner died or was unregistered while this register settled: try again.
        }
    }

    /// <summary>
    /// Unregisters <paramref name="name"/> (only if <paramref name="holder"/> holds it, when given). A name held on
    /// another node is removed by that node's registry; if that node cannot be reached it is removed here.
    /// </summary>
    /// <returns>Whether a registration was removed.</returns>
    public async Task<bool> UnregisterAsync(string name, Pid? holder = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.TryGetValue(name, out var entry) || (holder is not null && entry.Pid != holder))
            return false;
        if (entry.Pid.Node != _node.Name && !IsDead(entry.Pid))
        {
            try
            {
                var watcher = await PeerWatcherAsync(entry.Pid.Node, timeout);
                if (watcher is not null)
                    return await watcher.CallAsync<bool>(new RegistryUnregisterRequest(name, entry.Pid), timeout ?? Options.CallTimeout);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or ProcessExitedException)
            {
                _peerWatchers.TryRemove(entry.Pid.Node, out _);
                _logger.LogDebug("Registry {Registry}: node {Node} did not unregister {Name} ({Reason}); removing it here", Name, entry.Pid.Node, name, e.Message);
            }
        }
        return await UnregisterHereAsync(name, entry.Pid);
    }

    /// <summary>Unregisters <paramref name="name"/> if <paramref name="pid"/> holds it with a value satisfying <paramref name="pattern"/>.</summary>
    /// <returns>How many registrations were removed (0 or 1).</returns>
    public async Task<int> UnregisterMatchAsync(string name, Pid pid, Func<TValue, bool> pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Lookup(name) is { } entry && entry.Pid == pid && pattern(entry.Value) && await UnregisterAsync(name, pid) ? 1 : 0;
    }

    /// <summary>Unregisters <paramref name="name"/> if <paramref name="pid"/> holds it with a value equal to <paramref name="pattern"/>.</summary>
    public Task<int> UnregisterMatchAsync(string name, Pid pid, TValue pattern) => UnregisterMatchAsync(name, pid, Equal(pattern));

    /// <summary>Changes the value of <paramref name="name"/> if <paramref name="pid"/> holds it, atomically.</summary>
    /// <returns>Whether it changed (false if the pid does not hold the name).</returns>
    public Task<bool> UpdateValueAsync(string name, Pid pid, Func<TValue, TValue> update)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(update);
        return _names.UpdateAsync(name, (current, exists) =>
            exists && current!.Pid == pid ? (true, current with { Value = update(current.Value) }) : (false, current!));
    }

    /// <summary>Sets the value of <paramref name="name"/> if <paramref name="pid"/> holds it.</summary>
    public Task<bool> UpdateValueAsync(string name, Pid pid, TValue value) => UpdateValueAsync(name, pid, _ => value);

    /// <summary>Removes the registration of <paramref name="name"/> by <paramref name="pid"/> from the local replica (it ships to the others).</summary>
    internal Task<bool> UnregisterHereAsync(string name, Pid? pid) =>
        _names.DeleteIfAsync(name, entry => pid is null || entry.Pid == pid);

    /// <summary>Removes every name <paramref name="pid"/> holds (it exited, lost a conflict, or its node is gone).</summary>
    internal void RemoveNamesOf(Pid pid)
    {
        foreach (var name in Keys(pid))
            Forget(UnregisterHereAsync(name, pid), name);
    }

    /// <summary>Removes the names of every process of <paramref name="node"/>'s runs up to <paramref name="incarnation"/>.</summary>
    internal void RemoveNode(NodeName node, ulong incarnation)
    {
        _gone.AddOrUpdate(node, incarnation, (_, known) => Math.Max(known, incarnation));
        var removed = 0;
        foreach (var pid in _byPid.Keys)
        {
            if (pid.Node == node && pid.Incarnation <= incarnation)
            {
                removed++;
                RemoveNamesOf(pid);
            }
        }
        if (removed > 0)
            RegistryLog.GoneNodeNamesRemoved(_logger, Name, _node.Name, removed, node);
    }

    private void Forget(Task task, string name) =>
        task.ContinueWith(t => RegistryLog.RemoveFailed(_logger, t.Exception, Name, name),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private async Task<Pid?> PeerWatcherAsync(NodeName node, TimeSpan? timeout)
    {
        if (_peerWatchers.TryGetValue(node, out var known))
            return known;
        var found = await _node.WhereIsAsync(node, WatcherName, timeout);
        if (found is not null)
            _peerWatchers[node] = found;
        return found;
    }

    /// <summary>
    /// A register under way. What concurrent registers of the name wait for is made only when one does (most registers
    /// race with nobody): before <see cref="Finish"/>, the first <see cref="Done"/> makes it; after, it is complete.
    /// </summary>
    private sealed class Settling(Pid pid)
    {
        private static readonly TaskCompletionSource Finished = new();

        private TaskCompletionSource? _done;

        public Pid Pid { get; } = pid;

        public Task Done
        {
            get
            {
                while (true)
                {
                    var done = Volatile.Read(ref _done);
                    if (done == Finished)
                        return Task.CompletedTask;
                    if (done is not null)
                        return done.Task;
                    var waited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (Interlocked.CompareExchange(ref _done, waited, null) is null)
                        return waited.Task;
                }
            }
        }

        public void Finish()
        {
            var done = Interlocked.Exchange(ref _done, Finished);
            if (done is not null && done != Finished)
                done.TrySetResult();
        }
    }
}
