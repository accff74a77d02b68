using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

// The node's lifecycle, Starting → Running → Leaving → Stopped, and the graceful stop a rolling update relies on.
public sealed partial class Node
{
    private readonly Lock _drainLock = new();
    private readonly NodeEventQueue _events;
    private List<Func<CancellationToken, Task>> _drainHooks = [];
    private int _state; // a NodeState
    private long _drainDeadline; // Environment.TickCount64 when the drain must end
    private Task? _stopping;

    /// <summary>Where the node is in its life.</summary>
    public NodeState State => (NodeState)Volatile.Read(ref _state);

    /// <summary>
    /// Raised on every change of <see cref="State"/>. Like every node event it is raised on the node's event loop, in
    /// order with the others, never on the caller's or the transport's thread; a handler that throws is logged and the
    /// node goes on. <see cref="StopAsync(CancellationToken)"/> returns after the handlers of <see cref="NodeState.Stopped"/> ran.
    /// </summary>
    public event EventHandler<NodeStateChanged>? StateChanged;

    /// <summary>
    /// Registers work to do when the node drains, before its processes stop: an upper layer hands its processes off
    /// here. Hooks run one at a time in reverse registration order, each given a token that fires when the drain
    /// deadline (<see cref="NodeOptions.DrainTimeout"/>) passes. Dispose the result to remove the hook.
    /// </summary>
    public IDisposable OnDrain(Func<CancellationToken, Task> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        lock (_drainLock)
            _drainHooks = [.. _drainHooks, hook];
        return new DrainRegistration(this, hook);
    }

    /// <summary>
    /// Stops the node gracefully, in phases bounded as a whole by <see cref="NodeOptions.DrainTimeout"/> and by
    /// <paramref name="cancellationToken"/>: (1) marks it <see cref="NodeState.Leaving"/> and tells every connected
    /// peer, which raise <see cref="NodeLeaving"/> and keep the connection (a peer that connects while the node is
    /// leaving is told at once: a leaving node still admits peers); (2) runs the drain hooks; (3) stops the
    /// root processes in reverse start order, each within its shutdown timeout; (4) says goodbye to every peer and
    /// closes the transport. Past the deadline or cancelled, phases 3 and 4 still run, so peers see a goodbye, never
    /// silence. Calling it again returns the same stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_drainLock)
            return _stopping ??= RunStopAsync(cancellationToken);
    }

    private async Task RunStopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // the caller holds _drainLock
        var started = Environment.TickCount64;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.DrainTimeout);
        Volatile.Write(ref _drainDeadline, started + (long)Options.DrainTimeout.TotalMilliseconds);
        var previous = (NodeState)Interlocked.Exchange(ref _state, (int)NodeState.Leaving);
        NodeLog.Draining(_logger, Name, Options.DrainTimeout.TotalMilliseconds);
        RaiseStateChanged(previous, NodeState.Leaving);

        await RunPhaseAsync("announce leaving", () => AnnounceLeavingAsync(deadline.Token), deadline.Token);
        Func<CancellationToken, Task>[] hooks;
        lock (_drainLock)
            hooks = [.. _drainHooks];
        for (var i = hooks.Length - 1; i >= 0; i--)
        {
            var hook = hooks[i];
            await RunPhaseAsync("drain hook", () => hook(deadline.Token), deadline.Token);
        }
        if (deadline.IsCancellationRequested)
            NodeLog.DrainDeadlinePassed(_logger, Name, Options.DrainTimeout.TotalMilliseconds);

        await StopRootsAsync();
        await StopTransportAsync();
        Interlocked.Exchange(ref _state, (int)NodeState.Stopped);
        RaiseStateChanged(NodeState.Leaving, NodeState.Stopped);
        NodeLog.Stopped(_logger, Name, Environment.TickCount64 - started);
        await _events.CompleteAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Runs one drain phase; a failure or a passed deadline is logged, never stops the shutdown.</summary>
    private async Task RunPhaseAsync(string phase, Func<Task> run, CancellationToken deadline)
    {
        if (deadline.IsCancellationRequested)
        {
            NodeLog.PhaseSkipped(_logger, Name, phase);
            return;
        }
        try
        {
            await run().WaitAsync(deadline);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            NodeLog.PhaseOverran(_logger, Name, phase);
        }
        catch (Exception e)
        {
            NodeLog.PhaseFailed(_logger, e, Name, phase);
        }
    }

    /// <summary>While <see cref="NodeState.Leaving"/>: how much of the drain is left, which peers are told so they know how long to wait for the goodbye.</summary>
    internal TimeSpan DrainRemaining =>
        TimeSpan.FromMilliseconds(Math.Max(0, Volatile.Read(ref _drainDeadline) - Environment.TickCount64));

    /// <summary>
    /// How long after the drain this node may still take before its goodbye: each root's shutdown timeout, as they stop
    /// one after another, and a second to close the transport. Peers are told the drain plus this, so that processes
    /// slow to stop do not get the node disconnected by a membership before it says goodbye.
    /// </summary>
    internal TimeSpan StopBound
    {
        get
        {
            var bound = TimeSpan.FromSeconds(1);
            lock (_roots)
            {
                foreach (var (_, timeout) in _roots)
                    bound += timeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(5) : timeout;
            }
            return bound;
        }
    }

    /// <summary>Tells every connected peer that this node is leaving; they keep the connection until the goodbye.</summary>
    private Task AnnounceLeavingAsync(CancellationToken cancellationToken) =>
        _transport?.AnnounceLeavingAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>The roots in reverse start order, each given its shutdown timeout (a supervisor stops its own children in turn); then whatever is left is killed.</summary>
    private async Task StopRootsAsync()
    {
        (Pid Pid, TimeSpan ShutdownTimeout)[] roots;
        lock (_roots)
            roots = [.. _roots];
        for (var i = roots.Length - 1; i >= 0; i--)
            await StopProcessAsync(roots[i].Pid, ExitReason.Shutdown, roots[i].ShutdownTimeout);
        foreach (var process in _processes.Values)
            process.Die(ExitReason.Killed);
    }

    private void MoveTo(NodeState from, NodeState to)
    {
        if (Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from)
            RaiseStateChanged(from, to);
    }

    private void RaiseStateChanged(NodeState previous, NodeState current)
    {
        if (previous != current)
            _events.Post(nameof(StateChanged), this, StateChanged, new NodeStateChanged(previous, current));
    }

    private sealed class DrainRegistration(Node node, Func<CancellationToken, Task> hook) : IDisposable
    {
        public void Dispose()
        {
            lock (node._drainLock)
                node._drainHooks = [.. node._drainHooks.Where(h => h != hook)];
        }
    }
}
