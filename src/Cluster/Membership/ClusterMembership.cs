using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Keeps this node connected to the peers its topologies list: merges the lists of every strategy,
/// connects listed peers that are not connected (and retries those that fail or drop, so a node that
/// restarts is connected again), disconnects peers no topology lists any more (retrying a disconnect that failed, and
/// keeping a peer that is draining until its goodbye or the end of the drain it announced), and never connects to itself.
/// The members are this node plus the listed peers that are connected; every change raises
/// <see cref="NodeJoined"/>, <see cref="NodeLeft"/> and <see cref="MembersChanged"/>, is logged once,
/// and shows in the <c>horde.membership.members</c> gauge of the <c>Horde.Net</c> meter.
/// </summary>
/// <remarks>
/// Shaped like a hosted service (<see cref="StartAsync"/>, <see cref="StopAsync"/>) without depending on
/// the Generic Host. Stopping does not disconnect anything: closing connections is the node's job on shutdown.
/// </remarks>
public sealed class ClusterMembership : IAsyncDisposable
{
    /// <summary>The name of the meter membership publishes its instruments on.</summary>
    public const string MeterName = "Horde.Net";

    private readonly INodeConnector _connector;
    private readonly IReadOnlyList<IMembershipStrategy> _strategies;
    private readonly ClusterMembershipOptions _options;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _connectFailures;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IReadOnlySet<NodeName>> _lists = [];
    private readonly HashSet<NodeName> _managed = [];
    private readonly Dictionary<NodeName, int> _failedAttempts = [];
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ImmutableArray<NodeName> _members;
    private CancellationTokenSource? _stopping;
    private Task _running = Task.CompletedTask;

    /// <summary>Creates the membership of the node behind <paramref name="connector"/>.</summary>
    /// <param name="connector">Connects and disconnects peers.</param>
    /// <param name="strategies">The topologies; their peer lists are merged.</param>
    /// <param name="options">Retry settings; defaults when null.</param>
    /// <param name="logger">Where changes are logged.</param>
    /// <param name="meterFactory">Creates the <c>Horde.Net</c> meter; when null the membership creates and disposes its own.</param>
    public ClusterMembership(
        INodeConnector connector,
        IEnumerable<IMembershipStrategy> strategies,
        ClusterMembershipOptions? options = null,
        ILogger<ClusterMembership>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(strategies);
        _connector = connector;
        _strategies = [.. strategies];
        var duplicate = _strategies.GroupBy(s => s.Topology).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two strategies are named '{duplicate.Key}'; topology names must be unique.", nameof(strategies));
        _options = options ?? new ClusterMembershipOptions();
        _options.Validate();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Self = connector.Self;
        _members = [Self];
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        KeyValuePair<string, object?>[] tags = [new("node", Self.ToString())];
        _meter.CreateObservableGauge("horde.membership.members", () => new Measurement<int>(_members.Length, tags),
            unit: "{node}", description: "Nodes in the cluster as this node sees it: itself and the listed peers it is connected to.");
        _meter.CreateObservableGauge("horde.membership.listed_peers", () => new Measurement<int>(ListedPeers.Count, tags),
            unit: "{node}", description: "Peers the topologies list, connected or not.");
        _connectFailures = _meter.CreateCounter<long>("horde.membership.connect_failures", unit: "{attempt}",
            description: "Failed attempts to connect to a listed peer.");
    }

    /// <summary>This node.</summary>
    public NodeName Self { get; }

    /// <summary>The members now: this node and the listed peers it is connected to, in name order.</summary>
    public IReadOnlyList<NodeName> Members => _members;

    /// <summary>The peers the topologies list now, merged, without this node; connected or not.</summary>
    public IReadOnlySet<NodeName> ListedPeers
    {
        get
        {
            lock (_lock)
                return MergedLists();
        }
    }

    /// <summary>
    /// Completes once the node has joined as its topologies say: every topology has published its first peer list, and
    /// every peer listed then has been connected or tried once (a peer that is down does not hold the node back). A
    /// readiness signal; it stays completed.
    /// </summary>
    public Task Joined => _joined.Task;

    /// <summary>Raised for each node that becomes a member.</summary>
    public event EventHandler<NodeMembershipEventArgs>? NodeJoined;

    /// <summary>Raised for each node that stops being a member (unlisted, or its connection dropped).</summary>
    public event EventHandler<NodeMembershipEventArgs>? NodeLeft;

    /// <summary>Raised once per change of the member list, after <see cref="NodeJoined"/> and <see cref="NodeLeft"/>.</summary>
    public event EventHandler<MembersChangedEventArgs>? MembersChanged;

    /// <summary>Starts every strategy and the loop that connects and disconnects; returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null)
            throw new InvalidOperationException("Membership is already started.");
        _stopping = new CancellationTokenSource();
        var stopping = _stopping.Token;
        // A real node reports a lost peer at once; reconcile then rather than at the next retry round.
        if (_connector is Node node)
            node.NodeDisconnected += OnNodeDisconnected;
        var tasks = _strategies.Select(s => Task.Run(() => RunStrategyAsync(s, stopping), CancellationToken.None)).ToList();
        tasks.Add(Task.Run(() => ReconcileLoopAsync(stopping), CancellationToken.None));
        _running = Task.WhenAll(tasks);
        return Task.CompletedTask;
    }

    /// <summary>Stops the strategies and the loop; waits for them unless <paramref name="cancellationToken"/> fires first.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null)
            return;
        if (_connector is Node node)
            node.NodeDisconnected -= OnNodeDisconnected;
        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken);
    }

    private void OnNodeDisconnected(object? sender, NodeDown down) => _changed.Writer.TryWrite(true);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping?.Dispose();
        if (_ownsMeter)
            _meter.Dispose();
    }

    private async Task RunStrategyAsync(IMembershipStrategy strategy, CancellationToken stopping)
    {
        var sink = new TopologySink(this, strategy.Topology);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await strategy.RunAsync(sink, stopping);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                MembershipLog.StrategyCrashed(_logger, strategy.Topology, _options.ReconnectInterval, e);
            }
            try
            {
                await Task.Delay(_options.ReconnectInterval, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnPublished(string topology, IReadOnlySet<NodeName> peers)
    {
        var copy = peers.ToHashSet();
        lock (_lock)
        {
            var previous = _lists.GetValueOrDefault(topology) ?? new HashSet<NodeName>();
            if (previous.SetEquals(copy) && _lists.ContainsKey(topology))
                return;
            _lists[topology] = copy;
            MembershipLog.TopologyChanged(_logger, topology, copy.Count, MembershipLog.Join(copy),
                MembershipLog.Join(copy.Except(previous)), MembershipLog.Join(previous.Except(copy)));
        }
        _changed.Writer.TryWrite(true);
    }

    private HashSet<NodeName> MergedLists()
    {
        var merged = new HashSet<NodeName>();
        foreach (var list in _lists.Values)
            merged.UnionWith(list.Where(n => !IsSelf(n)));
        return merged;
    }

    // The same host and port is this node even when a strategy spells the name part differently.
    private bool IsSelf(NodeName node) =>
        node == Self || (node.Port == Self.Port && string.Equals(node.Host, Self.Host, StringComparison.OrdinalIgnoreCase));

    private async Task ReconcileLoopAsync(CancellationToken stopping)
    {
        Task<bool>? changed = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var published = PublishedByAll();
                await ReconcileAsync(stopping);
                if (published)
                    _joined.TrySetResult();
                changed ??= _changed.Reader.WaitToReadAsync(stopping).AsTask();
                await Task.WhenAny(changed, Task.Delay(_options.ReconnectInterval, stopping));
                if (changed.IsCompleted)
                {
                    changed = null;
                    _changed.Reader.TryRead(out _);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private bool PublishedByAll()
    {
        lock (_lock)
            return _strategies.All(s => _lists.ContainsKey(s.Topology));
    }

    private async Task ReconcileAsync(CancellationToken stopping)
    {
        HashSet<NodeName> listed;
        lock (_lock)
            listed = MergedLists();
        var connected = _connector.ConnectedNodes.ToHashSet();

        foreach (var node in _managed.Where(n => !listed.Contains(n)).ToList())
        {
            lock (_failedAttempts)
                _failedAttempts.Remove(node);
            if (!connected.Contains(node))
            {
                _managed.Remove(node);
                continue;
            }
            // A draining node (a terminating pod is NotReady, so it leaves endpoint slices and DNS) hands its work
            // off over these connections: it stays until its goodbye or until the drain it announced runs out.
            if (_connector.IsDraining(node))
                continue;
            MembershipLog.Disconnecting(_logger, node);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(_options.ConnectTimeout);
                await _connector.DisconnectAsync(node, timeout.Token);
                _managed.Remove(node); // only now: a failed disconnect is tried again next round
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                MembershipLog.DisconnectFailed(_logger, node, e);
            }
        }

        _managed.UnionWith(listed);
        await Task.WhenAll(listed.Where(n => !connected.Contains(n)).Select(n => ConnectAsync(n, stopping)));

        connected = _connector.ConnectedNodes.ToHashSet();
        UpdateMembers([Self, .. listed.Where(connected.Contains)]);
    }

    private async Task ConnectAsync(NodeName node, CancellationToken stopping)
    {
        bool ok;
        Exception? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(_options.ConnectTimeout);
            ok = await _connector.ConnectAsync(node, timeout.Token);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            ok = false;
            error = e;
        }
        lock (_failedAttempts)
        {
            var attempts = _failedAttempts.GetValueOrDefault(node);
            if (ok)
            {
                _failedAttempts.Remove(node);
                if (attempts > 0)
                    MembershipLog.ConnectRecovered(_logger, node, attempts);
                return;
            }
            _connectFailures.Add(1, new KeyValuePair<string, object?>("node", Self.ToString()));
            if (attempts == 0)
                MembershipLog.ConnectFailed(_logger, node, _options.ReconnectInterval, error);
            _failedAttempts[node] = attempts + 1;
        }
    }

    private void UpdateMembers(IEnumerable<NodeName> members)
    {
        var now = members.Order().ToImmutableArray();
        var before = _members;
        if (now.SequenceEqual(before))
            return;
        var joined = now.Except(before).ToArray();
        var left = before.Except(now).ToArray();
        _members = now;
        MembershipLog.MembersChanged(_logger, MembershipLog.Join(joined), MembershipLog.Join(left), now.Length, MembershipLog.Join(now));
        foreach (var node in joined)
            Raise(NodeJoined, new NodeMembershipEventArgs(node));
        foreach (var node in left)
            Raise(NodeLeft, new NodeMembershipEventArgs(node));
        Raise(MembersChanged, new MembersChangedEventArgs(now, joined, left));
    }

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception e)
        {
            MembershipLog.HandlerFailed(_logger, e);
        }
    }

    private sealed class TopologySink(ClusterMembership owner, string topology) : IPeerListSink
    {
        public NodeName Self => owner.Self;

        public void Publish(IReadOnlySet<NodeName> peers)
        {
            ArgumentNullException.ThrowIfNull(peers);
            owner.OnPublished(topology, peers);
        }
    }
}
