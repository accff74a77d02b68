using Horde.Net.Cluster;
using Horde.Net.Cluster.Supervision;
using Horde.Net.Crdt.Storage;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt;

/// <summary>
/// A replicated add-wins last-writer-wins map on a node: writes go through the replica's process, reads come straight
/// from its local state and never wait behind a sync. Replicas on different nodes converge once they are neighbours.
/// </summary>
/// <example>
/// <code>
/// // On every node: replicas of one name find each other on the connected nodes.
/// var replica = await Replica&lt;string, Pid&gt;.StartAsync(node, "orders.registry");
/// await replica.PutAsync("order-1", somePid, WriteLevel.One);
/// if (replica.TryGetValue("order-1", out var owner)) await owner.CallAsync&lt;string&gt;("hello");
/// </code>
/// </example>
public sealed class Replica<TKey, TValue>
    where TKey : notnull
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    private readonly ReplicaHost<TKey, TValue> _host;
    private readonly Node _node;

    private Replica(Node node, ReplicaHost<TKey, TValue> host, Pid? supervisor)
    {
        _node = node;
        _host = host;
        Supervisor = supervisor;
        View = new ReplicaView<TKey, TValue>(() => Core);
    }

    /// <summary>The replica's current process (it changes when the supervisor restarts it): give it to other replicas as a neighbour.</summary>
    public Pid Pid => _host.Current.Self;

    /// <summary>The supervisor that restarts a named replica; null for one started without a name.</summary>
    public Pid? Supervisor { get; }

    /// <summary>The name the replica is registered under on its node, and finds its peers by; null if started without one.</summary>
    public string? Name => _host.Name;

    /// <summary>The replica's id in the map's dots (a restart from a snapshot that was not written on close gets a new one).</summary>
    public ulong ReplicaId => Core.ReplicaId;

    /// <summary>True once this replica has been found equal to a neighbour or has finished a repair with one.</summary>
    public bool HasSynced => Core.HasSynced;

    /// <summary>
    /// True once there is nothing to catch up with: the replica has synced with a neighbour, or no connected node runs a
    /// replica of its name (the first node of a cluster). A readiness signal: readiness checks wait for it.
    /// </summary>
    public bool IsCaughtUp => _host.Current.IsCaughtUp;

    /// <summary>
    /// How long ago the replica was last found equal to a neighbour or finished a repair with one: how stale it may be
    /// (a round every <see cref="ReplicaOptions.SyncInterval"/> refreshes it). Null before the first sync.
    /// </summary>
    public TimeSpan? SinceLastSync => Core.LastSyncedMs is var at && at == long.MinValue
        ? null
        : TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - at));

    /// <summary>How many keys the map holds.</summary>
    public int Count => Core.Count;

    /// <summary>Counters of the sync protocol (of the current process).</summary>
    public SyncStats Stats => Core.Stats;

    /// <summary>The replica ids of the current neighbours (owner's view; for diagnostics and tests).</summary>
    public IReadOnlyCollection<ulong> Neighbours => [.. Core.Neighbours];

    /// <summary>
    /// The local state, live and without a copy: lookups and enumeration read the map as it is (enumeration is not a
    /// point-in-time snapshot; use <see cref="SubscribeAsync"/> for one that lines up with later diffs).
    /// </summary>
    public IReadOnlyDictionary<TKey, TValue> View { get; }

    /// <summary>
    /// Raised on the replica's process, in order, after each change of the map: the added, replaced and removed keys,
    /// each with the value it replaced and whether the change was local, from a neighbour, or from a restart. Handlers
    /// must be quick and must not block; they survive restarts of the replica process.
    /// </summary>
    public event Action<IReadOnlyList<Diff<TKey, TValue>>>? Changed
    {
        add => _host.Changed += value;
        remove => _host.Changed -= value;
    }

    private ReplicaCore<TKey, TValue> Core => _host.Current.Core;

    /// <summary>Starts a replica process on <paramref name="node"/>, wired to others by hand (<see cref="SetNeighboursAsync"/>).</summary>
    /// <param name="node">The node.</param>
    /// <param name="options">Sync settings; the defaults of delta_crdt (200 ms interval, 200 keys per message).</param>
    /// <param name="storage">Persists and restores the state.</param>
    /// <param name="start">Name and parent of the process.</param>
    /// <param name="tickInterval">The shortest time between two wakes of the replica's timer, which fires only when the sync protocol has something due (a round, a resend, a timeout); 50 ms by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static async Task<Replica<TKey, TValue>> StartAsync(Node node, ReplicaOptions? options = null, IReplicaStorage? storage = null,
        StartOptions? start = null, TimeSpan? tickInterval = null)
    {
        var host = Host(node, options, storage, tickInterval, name: null);
        await node.StartAsync(() => new ReplicaProcess<TKey, TValue>(host), start);
        return new Replica<TKey, TValue>(node, host, supervisor: null);
    }

    /// <summary>
    /// Starts the replica named <paramref name="name"/> on <paramref name="node"/>, under a supervisor of its own: it
    /// registers the name on the node, finds the replicas of the same name on every connected node (and on nodes that
    /// connect later), syncs with them over a sparse graph (ring ±2^k over the members, the same on every node), and
    /// drops one when its node disconnects or it exits. A crash restarts it from <paramref name="storage"/> (an
    /// in-memory one by default, which survives the process) and the handle follows the new process.
    /// </summary>
    /// <param name="node">The node; it needs <see cref="CrdtMessageTypes.AddCrdt"/> in its message types.</param>
    /// <param name="name">The map's name, the same on every node.</param>
    /// <param name="options">Sync settings.</param>
    /// <param name="storage">Persists and restores the state across restarts.</param>
    /// <param name="parent">Links the replica's supervisor to this process; a root of the node if null.</param>
    /// <param name="tickInterval">The shortest time between two wakes of the replica's timer, which fires only when the sync protocol has something due (a round, a resend, a timeout); 50 ms by default.</param>
    /// <exception cref="NameTakenException">Another process holds the name on this node.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static async Task<Replica<TKey, TValue>> StartAsync(Node node, string name, ReplicaOptions? options = null, IReplicaStorage? storage = null,
        Pid? parent = null, TimeSpan? tickInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (node?.WhereIs(name) is { } holder)
            throw new NameTakenException(name, holder);
        var host = Host(node!, options, storage ?? new InMemoryReplicaStorage(), tickInterval, name);
        var child = new ChildSpec(name, () => new ReplicaProcess<TKey, TValue>(host));
        var supervisor = await node!.StartAsync(() => new Supervisor([child]), new StartOptions { Parent = parent });
        return new Replica<TKey, TValue>(node, host, supervisor);
    }

    /// <summary>Stops the replica (and its supervisor): it ships what is queued and writes its final snapshot.</summary>
    public async Task StopAsync() => await _node.StopProcessAsync(Supervisor ?? Pid, ExitReason.Shutdown);

    /// <summary>Sets the neighbours by hand (tests, custom topologies): replica processes on this or other nodes. A named replica stops following its members.</summary>
    public async Task SetNeighboursAsync(IEnumerable<Pid> neighbours, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(neighbours);
        await CallAsync<object?>(new ReplicaNeighbours([.. neighbours]), timeout ?? DefaultTimeout);
    }

    /// <summary>Puts a value; completes when <paramref name="level"/> is reached (local by default), and ships to the neighbours at once.</summary>
    /// <exception cref="ArgumentException">The key and value encode larger than <see cref="ReplicaOptions.MaxSyncBytes"/>.</exception>
    /// <exception cref="WriteLevelTimeoutException">The level was not reached within <paramref name="timeout"/> (5 s by default).</exception>
    public Task PutAsync(TKey key, TValue value, WriteLevel level = WriteLevel.Local, TimeSpan? timeout = null) =>
        WriteAsync(core => { core.Put(key, value, ReplicaProcess<TKey, TValue>.WallClockMs); return true; }, level, timeout);

    /// <summary>Deletes a key; completes when <paramref name="level"/> is reached (at once if the key was absent).</summary>
    /// <exception cref="WriteLevelTimeoutException">The level was not reached within <paramref name="timeout"/>.</exception>
    public Task DeleteAsync(TKey key, WriteLevel level = WriteLevel.Local, TimeSpan? timeout = null) =>
        WriteAsync(core => { core.Delete(key); return true; }, level, timeout);

    /// <summary>Puts many values in one write (delta_crdt's merge).</summary>
    /// <exception cref="ArgumentException">A key and value encode larger than <see cref="ReplicaOptions.MaxSyncBytes"/>; nothing is written.</exception>
    /// <exception cref="WriteLevelTimeoutException">The level was not reached within <paramref name="timeout"/>.</exception>
    public Task MergeAsync(IEnumerable<KeyValuePair<TKey, TValue>> pairs, WriteLevel level = WriteLevel.Local, TimeSpan? timeout = null) =>
        WriteAsync(core => { core.Merge(pairs, ReplicaProcess<TKey, TValue>.WallClockMs); return true; }, level, timeout);

    /// <summary>Deletes many keys in one write (delta_crdt's drop).</summary>
    public Task DropAsync(IEnumerable<TKey> keys, WriteLevel level = WriteLevel.Local, TimeSpan? timeout = null) =>
        WriteAsync(core => { core.Drop(keys); return true; }, level, timeout);

    /// <summary>
    /// Reads and writes one key atomically with respect to every other write on this replica (e.g. register if absent):
    /// <paramref name="update"/> runs on the replica's process with the current value and whether there is one, and says
    /// whether to write and what. It must be quick and must not call the replica.
    /// </summary>
    /// <returns>Whether it wrote.</returns>
    public async Task<bool> UpdateAsync(TKey key, Func<TValue?, bool, (bool Write, TValue Value)> update, WriteLevel level = WriteLevel.Local, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await WriteAsync(core =>
        {
            var exists = core.TryGetValue(key, out var current);
            var (write, value) = update(exists ? current : default, exists);
            if (write)
                core.Put(key, value, ReplicaProcess<TKey, TValue>.WallClockMs);
            return write;
        }, level, timeout);
    }

    /// <summary>Deletes a key only if it is present and <paramref name="predicate"/> holds for its value (e.g. "unregister only if still mine"), atomically.</summary>
    /// <returns>Whether it deleted.</returns>
    public async Task<bool> DeleteIfAsync(TKey key, Func<TValue, bool> predicate, WriteLevel level = WriteLevel.Local, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return await WriteAsync(core =>
        {
            if (!core.TryGetValue(key, out var current) || !predicate(current))
                return false;
            core.Delete(key);
            return true;
        }, level, timeout);
    }

    /// <summary>
    /// Completes when the local state of <paramref name="key"/> satisfies <paramref name="predicate"/> (given the value,
    /// and whether there is one): at once if it already does, else on the change that makes it so.
    /// </summary>
    /// <returns>The value then (default if absent).</returns>
    /// <exception cref="TimeoutException">Not satisfied within <paramref name="timeout"/>.</exception>
    public async Task<TValue?> WaitForAsync(TKey key, Func<TValue?, bool, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var done = new TaskCompletionSource<TValue?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var keys = EqualityComparer<TKey>.Default;
        void OnChanged(IReadOnlyList<Diff<TKey, TValue>> diffs)
        {
            foreach (var diff in diffs)
            {
                if (keys.Equals(diff.Key, key) && predicate(diff.Value, diff.Kind == DiffKind.Add))
                    done.TrySetResult(diff.Value);
            }
        }

        // Subscribe before looking, so that a change between the look and the subscription is not missed.
        Changed += OnChanged;
        try
        {
            var exists = TryGetValue(key, out var now);
            if (predicate(exists ? now : default, exists))
                return exists ? now : default;
            return await done.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Key {key} did not reach the state waited for within {timeout.TotalMilliseconds:0} ms.", e);
        }
        finally
        {
            Changed -= OnChanged;
        }
    }

    /// <summary>
    /// Subscribes <paramref name="handler"/> to every change after the returned snapshot, atomically: the snapshot and
    /// the diffs the handler then receives leave no gap. Dispose the subscription to end it.
    /// </summary>
    public async Task<ReplicaSubscription<TKey, TValue>> SubscribeAsync(Action<IReadOnlyList<Diff<TKey, TValue>>> handler, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var snapshot = await CallAsync<Dictionary<TKey, TValue>>(new ReplicaSubscribe<TKey, TValue>(handler), timeout ?? DefaultTimeout);
        return new ReplicaSubscription<TKey, TValue>(snapshot, () => _host.Changed -= handler);
    }

    /// <summary>Reads one key from the local state.</summary>
    public bool TryGetValue(TKey key, out TValue value) => Core.TryGetValue(key, out value);

    /// <summary>Reads several keys from the local state.</summary>
    public Dictionary<TKey, TValue> Take(IEnumerable<TKey> keys) => Core.Take(keys);

    /// <summary>A copy of the whole local state (for a view without the copy, see <see cref="View"/>).</summary>
    public Dictionary<TKey, TValue> ToDictionary() => Core.ToDictionary();

    private static ReplicaHost<TKey, TValue> Host(Node node, ReplicaOptions? options, IReplicaStorage? storage, TimeSpan? tickInterval, string? name)
    {
        ArgumentNullException.ThrowIfNull(node);
        options ??= new ReplicaOptions();
        if (ReferenceEquals(options.SerializerOptions, ReplicaOptions.DefaultSerializerOptions))
            options = options with { SerializerOptions = HordeSerializer.OptionsFor(node) };
        options.Validate();
        return new ReplicaHost<TKey, TValue>(options, storage, tickInterval ?? TimeSpan.FromMilliseconds(50), name);
    }

    private async Task<bool> WriteAsync(Func<ReplicaCore<TKey, TValue>, bool> write, WriteLevel level, TimeSpan? timeout)
    {
        var wait = timeout ?? DefaultTimeout;
        // The process answers a durable write itself when its level times out; the call waits a little longer than that.
        var callTimeout = level == WriteLevel.Local ? wait : wait + TimeSpan.FromSeconds(2);
        return await CallAsync<bool>(new ReplicaWrite<TKey, TValue>(write, level, wait), callTimeout);
    }

    /// <summary>Calls the current process; one that is gone (restarting) is waited for once, within the timeout.</summary>
    private async Task<T> CallAsync<T>(object message, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var process = _host.Current;
        var nextStart = _host.NextStart;
        try
        {
            return await process.Self.CallAsync<T>(message, timeout);
        }
        catch (ProcessExitedException e) when (Supervisor is not null && e.Reason == ExitReason.NoProc)
        {
            // Not delivered: the process had exited. The supervisor starts a new one; try that one once.
            var left = deadline - DateTime.UtcNow;
            if (_host.Current == process)
                await nextStart.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            left = deadline - DateTime.UtcNow;
            return await _host.Current.Self.CallAsync<T>(message, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
        }
    }
}
