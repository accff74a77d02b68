using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Cluster;

/// <summary>
/// One node: it runs processes, holds their local names, and routes messages, links, monitors and exit signals
/// between them. Dispose it, or call <see cref="StopAsync(CancellationToken)"/>, to stop its processes in order.
/// </summary>
public sealed partial class Node : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, HordeProcess> _processes = new();
    private readonly ConcurrentDictionary<string, Pid> _names = new(StringComparer.Ordinal);
    private readonly List<(Pid Pid, TimeSpan ShutdownTimeout)> _roots = [];
    private readonly ILogger _logger;
    private long _nextSerial;
    private long _nextMonitor;

    /// <summary>Creates a node; it runs no process until one is started.</summary>
    public Node(NodeOptions? options = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        Options = options ?? new NodeOptions();
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        MeterFactory = meterFactory;
        _logger = LoggerFactory.CreateLogger<Node>();
        Name = Options.Name;
        _events = new NodeEventQueue(_logger, Name);
        Incarnation = NewIncarnation();
        CreateInstruments();
    }

    /// <summary>The node's name.</summary>
    public NodeName Name { get; }

    /// <summary>This run of the node: a new value, larger than earlier ones, on every start.</summary>
    public ulong Incarnation { get; }

    /// <summary>The node's settings.</summary>
    public NodeOptions Options { get; }

    /// <summary>Where processes get their loggers.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>
    /// Where the node and the layers above it create their meters (the host's, so OpenTelemetry collects them); when
    /// null each component creates its own <see cref="Meter"/>.
    /// </summary>
    public IMeterFactory? MeterFactory { get; }

    /// <summary>How many processes run on this node.</summary>
    public int ProcessCount => _processes.Count;

    /// <summary>
    /// Starts a process and waits until its init has run.
    /// </summary>
    /// <param name="factory">Makes a new, never started process.</param>
    /// <param name="options">Name, parent and timeouts.</param>
    /// <param name="cancellationToken">Stops waiting for init; the process is then killed.</param>
    /// <returns>The pid of the running process.</returns>
    /// <exception cref="ProcessStartException">Init threw, or asked to stop, or <see cref="StartOptions.RestoredState"/> was given to a process that is not a <see cref="GenServer{TState}"/> or does not deserialize.</exception>
    /// <exception cref="NameTakenException">The name is registered to another process.</exception>
    /// <exception cref="TimeoutException">Init did not finish within <see cref="StartOptions.InitTimeout"/>.</exception>
    public async Task<Pid> StartAsync(Func<HordeProcess> factory, StartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        options ??= Defaults;
        var process = factory() ?? throw new InvalidOperationException("The process factory returned null.");
        if (process.IsAttached)
            throw new InvalidOperationException($"This {process.GetType().Name} instance was started before; the factory must return a new instance each time.");

        if (options.RestoredState is { } restored)
        {
            if (!process.CanHandOff)
                throw new ProcessStartException(process.GetType(), ExitReason.Error(new InvalidOperationException(
                    $"{process.GetType().Name} is not a GenServer<TState>; it cannot start from a handed-off state.")));
            process.SetRestoredState(restored);
        }

        var serial = Interlocked.Increment(ref _nextSerial);
        var pid = new Pid(Name, Incarnation, serial, this, process);
        var started = new TaskCompletionSource<Pid>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Attach(this, pid, options.Parent, started);
        _processes[serial] = process;
        if (options.Name is { } name)
        {
            try
            {
                Register(name, pid);
            }
            catch (NameTakenException)
            {
                _processes.TryRemove(serial, out _);
                throw;
            }
        }
        if (options.Parent is { } parent)
            Link(pid, parent);
        else
            lock (_roots)
                _roots.Add((pid, options.ShutdownTimeout));

        // The loop starts on the thread pool, not inline, so that it does not inherit the starter's execution context.
        process.Schedule(preferLocal: false);
        if (State == NodeState.Starting && _transport is null)
            MoveTo(NodeState.Starting, NodeState.Running); // a node that never joins a cluster runs once it runs something
        try
        {
            return await started.Task.WaitAsync(options.InitTimeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            process.Die(ExitReason.Killed);
            if (e is TimeoutException)
                throw new TimeoutException($"{process.GetType().Name} did not finish init within {options.InitTimeout.TotalMilliseconds:0} ms; it was killed.", e);
            throw;
        }
    }

    private static readonly StartOptions Defaults = new();

    /// <summary>
    /// Stops a process as OTP's <c>gen_server:stop</c>: after the messages already queued, its terminate runs and it exits
    /// with <paramref name="reason"/> (normal by default); if it has not exited within <paramref name="timeout"/> (5 s by
    /// default) it is killed.
    /// </summary>
    /// <returns>The reason it exited with; <see cref="ExitReason.NoProc"/> if it was not running.</returns>
    public async Task<ExitReason> StopProcessAsync(Pid pid, ExitReason? reason = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(pid);
        if (!pid.IsOn(this) || !_processes.TryGetValue(pid.Serial, out var process))
            return ExitReason.NoProc;
        process.Post(new Envelope(EnvelopeKind.Info, new StopRequest(reason ?? ExitReason.Normal)));
        return await WaitOrKillAsync(process, timeout ?? TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Shuts a child down as an OTP supervisor does: unlinks it from <paramref name="parent"/>, sends it an exit signal
    /// <c>shutdown</c> from the parent (a trapping child runs terminate), and kills it if it has not exited within
    /// <paramref name="timeout"/>; a zero timeout kills at once.
    /// </summary>
    internal async Task<ExitReason> ShutdownChildAsync(Pid child, Pid parent, TimeSpan timeout)
    {
        Unlink(parent, child);
        if (!TryGetLocal(child, out var process))
            return ExitReason.NoProc;
        if (timeout <= TimeSpan.Zero)
        {
            process.Die(ExitReason.Killed);
            return await process.Completion;
        }
        process.OnExitSignal(parent, ExitReason.Shutdown, linked: false);
        return await WaitOrKillAsync(process, timeout);
    }

    /// <summary>Waits for a process to exit; kills it when <paramref name="timeout"/> passes first.</summary>
    internal static async Task<ExitReason> WaitOrKillAsync(HordeProcess process, TimeSpan timeout)
    {
        try
        {
            return await process.Completion.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Die(ExitReason.Killed);
            return await process.Completion;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// A pid bound to this node, for one that was parsed or came from another node object in the same OS process.
    /// </summary>
    public Pid Resolve(Pid pid)
    {
        ArgumentNullException.ThrowIfNull(pid);
        return pid.Home == this ? pid : Resolve(pid.Node, pid.Incarnation, pid.Serial);
    }

    /// <summary>The pid of these parts bound to this node (what a pid read from the wire becomes), made once.</summary>
    internal Pid Resolve(NodeName node, ulong incarnation, long serial)
    {
        var local = incarnation == Incarnation && node == Name && _processes.TryGetValue(serial, out var process) ? process : null;
        return new Pid(node, incarnation, serial, this, local);
    }

    /// <summary>Registers <paramref name="pid"/>, a process of this node, under <paramref name="name"/> on this node.</summary>
    /// <exception cref="NameTakenException">Another process holds the name.</exception>
    /// <exception cref="ArgumentException">The pid is not a running process of this node.</exception>
    public void Register(string name, Pid pid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pid);
        if (!pid.IsOn(this) || !_processes.TryGetValue(pid.Serial, out var process) || !process.IsAlive)
            throw new ArgumentException($"{pid} is not a running process of node {Name}.", nameof(pid));
        var holder = _names.GetOrAdd(name, pid);
        if (holder != pid)
            throw new NameTakenException(name, holder);
        process.AddName(name);
        if (!process.IsAlive)
            _names.TryRemove(new KeyValuePair<string, Pid>(name, pid));
    }

    /// <summary>Removes a name; true if it was registered.</summary>
    public bool Unregister(string name)
    {
        if (!_names.TryRemove(name, out var pid))
            return false;
        if (_processes.TryGetValue(pid.Serial, out var process))
            process.RemoveName(name);
        return true;
    }

    /// <summary>The process registered under <paramref name="name"/> on this node, or null.</summary>
    public Pid? WhereIs(string name) => _names.TryGetValue(name, out var pid) ? pid : null;

    internal void OnProcessExit(HordeProcess process, ExitReason reason)
    {
        var pid = process.Self;
        _processes.TryRemove(pid.Serial, out _);
        foreach (var name in process.TakeNames())
            _names.TryRemove(new KeyValuePair<string, Pid>(name, pid));
        if (process.ParentPid is null)
            lock (_roots)
                _roots.RemoveAll(root => root.Pid == pid);
        ForgetNodeWatcher(pid);
        if (reason.Kind == "error")
            NodeLog.ProcessCrashed(_logger, reason.Exception, pid, process.GetType().Name, reason);
        else if (!reason.IsNormal)
            NodeLog.ProcessExited(_logger, pid, process.GetType().Name, reason);
    }

    private static ulong NewIncarnation()
    {
        // Milliseconds since the epoch in the high bits keep later runs larger; random low bits keep two runs started in
        // the same millisecond apart.
        var millis = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return (millis << 16) | (uint)Random.Shared.Next(1, 1 << 16);
    }
}
