using System.Collections.Concurrent;
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Registry;

/// <summary>
/// A cluster-wide registry of unique names, each held by one process with a value. Names live in a replicated map
/// shared by the registries of this name on the member nodes. Reads (<see cref="Lookup"/>, <see cref="Keys"/>,
/// <see cref="Select"/>…) are local and never make a network call; they hide holders known dead. Writes go through the
/// local replica and reach the other members within milliseconds. A holder that exits loses its names everywhere,
/// as do the processes of a node that is gone; when a partition heals, a name held on both sides goes to one winner,
/// the same on every node, and the loser exits with <see cref="NameConflict"/>.
/// </summary>
/// <typeparam name="TValue">The values registered with names.</typeparam>
public sealed partial class HordeRegistry<TValue> : IRegistryStatus
{
    private readonly Node _node;
    private readonly Replica<string, RegistryEntry<TValue>> _names;
    private readonly Replica<string, byte[]> _meta;
    private readonly ILogger _logger;

    // Names held by each process, kept from the map's changes, so that Keys and the clean-up of a dead process or a
    // gone node need no scan.
    private readonly ConcurrentDictionary<Pid, ConcurrentDictionary<string, byte>> _byPid = new();

    /// <summary>
    /// The local holders the watcher monitors, so that only a holder's first name sends it a watch request. The watcher
    /// adds a holder when it monitors it and removes it on its exit before it removes the holder's names; a name is
    /// indexed before this is read, so a register racing with the exit is either in the names removed or sends a watch
    /// request (whose monitor then reports the exit at once).
    /// </summary>
    internal ConcurrentDictionary<Pid, byte> MonitoredHolders { get; } = new();

    // The highest incarnation of each node declared gone: its pids are dead even before their entries are removed.
    private readonly ConcurrentDictionary<NodeName, ulong> _gone = new();
    private readonly RegistryMetrics _metrics;
    private readonly KeyValuePair<string, object?>[] _metricTags;
    private Pid? _watcher;
    private ReplicaSubscription<string, RegistryEntry<TValue>>? _subscription;

    private HordeRegistry(Node node, string name, RegistryOptions options,
        Replica<string, RegistryEntry<TValue>> names, Replica<string, byte[]> meta)
    {
        _node = node;
        Name = name;
        Options = options;
        _names = names;
        _meta = meta;
        _logger = node.LoggerFactory.CreateLogger<HordeRegistry<TValue>>();
        _metricTags = RegistryMetrics.Tags(name, node);
        _metrics = RegistryMetrics.For(node.MeterFactory);
        _metrics.Track(this, _metricTags);
    }

    /// <summary>The registry's name.</summary>
    public string Name { get; }

    /// <summary>The node it runs on.</summary>
    public Node Node => _node;

    /// <summary>Its settings.</summary>
    public RegistryOptions Options { get; }

    /// <summary>How many names the local replica holds (including any whose holder is not reachable right now).</summary>
    public int Count => _names.Count;

    /// <summary>Whether the local replica has been found equal to, or repaired from, another member (a readiness signal).</summary>
    public bool HasSynced => _names.HasSynced;

    /// <summary>Whether its replicas have caught up with the other members, or there are none yet (a readiness signal; see <see cref="Replica{TKey, TValue}.IsCaughtUp"/>).</summary>
    public bool IsCaughtUp => _names.IsCaughtUp && _meta.IsCaughtUp;

    /// <summary>How long ago the names replica was last found equal to, or repaired from, another member; null before the first time.</summary>
    public TimeSpan? SinceLastSync => _names.SinceLastSync;

    /// <inheritdoc/>
    event Action<string, Pid, Pid>? IRegistryStatus.ConflictResolved
    {
        add => _conflictResolved += value;
        remove => _conflictResolved -= value;
    }

    private Action<string, Pid, Pid>? _conflictResolved;

    internal string ReplicaName => ReplicaNameOf(Name);

    internal string WatcherName => ReplicaName + ".watcher";

    internal Replica<string, RegistryEntry<TValue>> Names => _names;

    internal static string ReplicaNameOf(string name) => "horde.registry." + name;

    internal static async Task<HordeRegistry<TValue>> StartAsync(Node node, string name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options.Validate();
        var replicaName = ReplicaNameOf(name);
        var names = await Replica<string, RegistryEntry<TValue>>.StartAsync(node, replicaName, options.Replica);
        var meta = await Replica<string, byte[]>.StartAsync(node, replicaName + ".meta", options.Replica);
        var registry = new HordeRegistry<TValue>(node, name, options, names, meta);
        await registry.StartWatchingAsync();
        return registry;
    }

    /// <summary>Stops this node's registry (its replicas and its watcher); the names stay with the other members.</summary>
    public async Task StopAsync()
    {
        _metrics.Untrack(this);
        _subscription?.Dispose();
        if (_watcher is { } watcher)
            await _node.StopProcessAsync(watcher, ExitReason.Shutdown);
        await _meta.StopAsync();
        await _names.StopAsync();
    }

    /// <summary>The holder and value of <paramref name="name"/>, or null if it is not registered or its holder is known dead. Local; no network call.</summary>
    public RegistryEntry<TValue>? Lookup(string name) =>
        _names.TryGetValue(name, out var entry) && IsLive(entry.Pid) ? entry : null;

    /// <summary>The holder and value of <paramref name="name"/>, if registered and not known dead. Local; no network call.</summary>
    public bool TryLookup(string name, out RegistryEntry<TValue> entry)
    {
        if (_names.TryGetValue(name, out entry!) && IsLive(entry.Pid))
            return true;
        entry = null!;
        return false;
    }

    /// <summary>The process holding <paramref name="name"/>, or null (as <see cref="Lookup"/>).</summary>
    public Pid? WhereIs(string name) => Lookup(name)?.Pid;

    /// <summary>The names <paramref name="pid"/> holds, as this node knows them.</summary>
    public IReadOnlyList<string> Keys(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        return _byPid.TryGetValue(pid, out var names) ? [.. names.Keys] : [];
    }

    /// <summary>The registrations of <paramref name="name"/> whose value satisfies <paramref name="pattern"/> (none or one: names are unique).</summary>
    public IReadOnlyList<RegistryEntry<TValue>> Match(string name, Func<TValue, bool> pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Lookup(name) is { } entry && pattern(entry.Value) ? [entry] : [];
    }

    /// <summary>The registrations of <paramref name="name"/> whose value equals <paramref name="pattern"/>.</summary>
    public IReadOnlyList<RegistryEntry<TValue>> Match(string name, TValue pattern) => Match(name, Equal(pattern));

    /// <summary>How many registrations of <paramref name="name"/> satisfy <paramref name="pattern"/>.</summary>
    public int CountMatch(string name, Func<TValue, bool> pattern) => Match(name, pattern).Count;

    /// <summary>How many registrations of <paramref name="name"/> have a value equal to <paramref name="pattern"/>.</summary>
    public int CountMatch(string name, TValue pattern) => Match(name, pattern).Count;

    /// <summary>Every registration (name, holder, value) that satisfies <paramref name="predicate"/>, holders known dead left out. Local.</summary>
    public IReadOnlyList<KeyValuePair<string, RegistryEntry<TValue>>> Select(Func<string, Pid, TValue, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new List<KeyValuePair<string, RegistryEntry<TValue>>>();
        foreach (var (name, entry) in _names.View)
        {
            if (IsLive(entry.Pid) && predicate(name, entry.Pid, entry.Value))
                found.Add(new(name, entry));
        }
        return found;
    }

    /// <summary>Calls <paramref name="action"/> with the holder and value of <paramref name="name"/>, if there is one; false if not.</summary>
    public bool Dispatch(string name, Action<Pid, TValue> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (Lookup(name) is not { } entry)
            return false;
        action(entry.Pid, entry.Value);
        return true;
    }

    private static Func<TValue, bool> Equal(TValue pattern) => value => EqualityComparer<TValue>.Default.Equals(value, pattern);

    /// <summary>Whether <paramref name="pid"/> is certainly dead: a local process not running, or one of a node run that is over.</summary>
    internal bool IsDead(Pid pid)
    {
        if (pid.Node == _node.Name)
            return !_node.IsReachable(pid);
        var connected = _node.ConnectedIncarnation(pid.Node);
        if (connected == pid.Incarnation)
            return false;
        if (connected > pid.Incarnation)
            return true;
        return _gone.TryGetValue(pid.Node, out var gone) && gone >= pid.Incarnation;
    }

    internal async Task SetNeighboursAsync(IEnumerable<Pid> names, IEnumerable<Pid> meta)
    {
        await _names.SetNeighboursAsync(names);
        await _meta.SetNeighboursAsync(meta);
    }

    private bool IsMine(Pid pid) => pid.Node == _node.Name && pid.Incarnation == _node.Incarnation;
}
