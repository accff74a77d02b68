using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Horde.Net.Crdt.Storage;
using Horde.Net.Registry;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Supervisor;

/// <summary>
/// A cluster-wide supervisor (Horde's DynamicSupervisor): one per node under the same name; each child runs on the
/// member the strategy picks, is registered under its id so it is called by id from any node, restarts on another
/// member when its node is lost, and moves with its exact state when its node drains.
/// Start it on every node with <see cref="StartAsync"/> (or <c>AddSupervisor</c> in a host).
/// </summary>
public sealed partial class HordeSupervisor
{
    private static readonly ConditionalWeakTable<Node, ConcurrentDictionary<string, HordeSupervisor>> ByNode = new();

    private readonly Node _node;
    private readonly ILogger _logger;
    private readonly HordeRegistry<string> _registry;
    private readonly Replica<string, MemberRecord> _members;
    private readonly Replica<string, ChildRecord> _children;
    private readonly Replica<string, StateRecord> _states;
    private readonly ConcurrentDictionary<string, LocalChild> _local = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Pid? _process;
    private IDisposable? _drain;
    private Task? _ticker;
    private volatile bool _leaving;
    private readonly SupervisorMetrics _metrics;

    private HordeSupervisor(Node node, string name, HordeSupervisorOptions options, HordeRegistry<string> registry,
        Replica<string, MemberRecord> members, Replica<string, ChildRecord> children, Replica<string, StateRecord> states)
    {
        _node = node;
        Name = name;
        Options = options;
        _registry = registry;
        _members = members;
        _children = children;
        _states = states;
        _logger = node.LoggerFactory.CreateLogger<HordeSupervisor>();
        _metrics = SupervisorMetrics.For(node.MeterFactory);
        MetricTags = [new("supervisor", name), new("node", node.Name.ToString())];
    }

    /// <summary>The supervisor's name, the same on every node.</summary>
    public string Name { get; }

    /// <summary>The node it runs on.</summary>
    public Node Node => _node;

    /// <summary>Its settings.</summary>
    public HordeSupervisorOptions Options { get; }

    /// <summary>The registry its children are registered in, under their ids (named <c>horde.supervisor.{name}</c>).</summary>
    public HordeRegistry<string> Registry => _registry;

    /// <summary>Whether its replicated maps (registry, members, children, states) have caught up with the other members, or there are none yet: a readiness signal.</summary>
    public bool IsCaughtUp => _registry.IsCaughtUp && _members.IsCaughtUp && _children.IsCaughtUp && _states.IsCaughtUp;

    /// <summary>How long ago its children map was last found equal to, or repaired from, another member's; null before the first time.</summary>
    public TimeSpan? SinceLastSync => _children.SinceLastSync;

    internal string ProcessName => "horde.supervisor." + Name;

    /// <summary>The tags of this supervisor's measurements: its name and its node.</summary>
    internal KeyValuePair<string, object?>[] MetricTags { get; }

    internal int LocalChildCount => _local.Count;

    /// <summary>
    /// Starts the supervisor <paramref name="name"/> on <paramref name="node"/>. The supervisors of one name on connected
    /// nodes find each other. The node needs <see cref="SupervisorMessageTypes.AddSupervisor"/> in its message types.
    /// </summary>
    /// <exception cref="InvalidOperationException">A supervisor of this name already runs on the node.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static async Task<HordeSupervisor> StartAsync(Node node, string name, HordeSupervisorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new HordeSupervisorOptions();
        options.Validate();
        var all = ByNode.GetOrCreateValue(node);
        if (all.ContainsKey(name))
            throw new InvalidOperationException($"A supervisor '{name}' already runs on node {node.Name}.");
        var prefix = "horde.supervisor." + name;
        var registry = await HordeRegistry.StartAsync<string>(node, prefix,
            new RegistryOptions { Members = options.Members, Replica = options.Replica, CallTimeout = options.CallTimeout });
        var members = await Replica<string, MemberRecord>.StartAsync(node, prefix + ".members", options.Replica);
        var children = await Replica<string, ChildRecord>.StartAsync(node, prefix + ".children", options.Replica, Storage(node, options, prefix + ".children"));
        var states = await Replica<string, StateRecord>.StartAsync(node, prefix + ".states", options.Replica, Storage(node, options, prefix + ".states"));
        var supervisor = new HordeSupervisor(node, name, options, registry, members, children, states);
        await supervisor.StartProcessesAsync();
        if (!all.TryAdd(name, supervisor))
            throw new InvalidOperationException($"A supervisor '{name}' already runs on node {node.Name}.");
        return supervisor;
    }

    /// <summary>The file a map keeps its snapshot in, under <see cref="HordeSupervisorOptions.StateDirectory"/>; none without it.</summary>
    private static FileReplicaStorage? Storage(Node node, HordeSupervisorOptions options, string map) =>
        options.StateDirectory is { } directory
            ? new FileReplicaStorage(Path.Combine(directory, map + ".snapshot"), node.LoggerFactory.CreateLogger<FileReplicaStorage>())
            : null;

    /// <summary>The supervisor <paramref name="name"/> started on <paramref name="node"/>.</summary>
    /// <exception cref="InvalidOperationException">None has started there.</exception>
    public static HordeSupervisor Get(Node node, string name) =>
        ByNode.TryGetValue(node, out var all) && all.TryGetValue(name, out var supervisor)
            ? supervisor
            : throw new InvalidOperationException($"No supervisor '{name}' has started on node {node?.Name}; start it with HordeSupervisor.StartAsync or AddSupervisor(\"{name}\").");

    private async Task StartProcessesAsync()
    {
        _process = await _node.StartAsync(() => new SupervisorProcess(this), new StartOptions { Name = ProcessName });
        // A local write, but it queues behind whatever the members replica is syncing at start-up; on a loaded
        // machine that took longer than the replica's default 5 s and failed the host's start.
        await _members.PutAsync(_node.Name.ToString(), new MemberRecord(MemberStatus.Alive, _node.Incarnation), timeout: TimeSpan.FromSeconds(30));
        _drain = _node.OnDrain(DrainAsync);
        _node.NodeDisconnected += OnNodeDown;
        _node.NodeConnected += OnNodeUp;
        _ticker = Task.Run(TickAsync);
        _metrics.Track(this);
    }

    /// <summary>Stops this node's supervisor without handing anything off: its local children stop, and the other members restart them as after a crash.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _metrics.Untrack(this);
        _drain?.Dispose();
        _node.NodeDisconnected -= OnNodeDown;
        _node.NodeConnected -= OnNodeUp;
        if (ByNode.TryGetValue(_node, out var all))
            all.TryRemove(new KeyValuePair<string, HordeSupervisor>(Name, this));
        if (_ticker is not null)
            await _ticker.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var child in _local.Values)
            await _node.StopProcessAsync(child.Pid, ExitReason.Shutdown, child.Spec.ShutdownTimeout);
        if (_process is { } process)
            await _node.StopProcessAsync(process, ExitReason.Shutdown);
        await _states.StopAsync();
        await _children.StopAsync();
        await _members.StopAsync();
        await _registry.StopAsync();
    }

    private bool Stopped => _stop.IsCancellationRequested;

    private bool TakesChildren => !_leaving && !Stopped && _node.State is NodeState.Starting or NodeState.Running;

    /// <summary>A child running on this node.</summary>
    private sealed class LocalChild(HordeChildSpec spec, Pid pid, long epoch)
    {
        public HordeChildSpec Spec { get; } = spec;

        public Pid Pid { get; } = pid;

        public long Epoch { get; } = epoch;

        /// <summary>Set when the child is terminated, moved, parked or stopped on purpose: its exit is not a crash.</summary>
        public volatile bool Released;

        public long CheckpointedVersion;

        public long LastCheckpointTicks;
    }
}
