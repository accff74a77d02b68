using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Horde.Net.Registry;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Supervisor;

// Placement and starts: the strategy picks a live member; a start for another member goes to its supervisor process
// with a hop count; the member that runs it registers it under its id with an epoch, which fences every older instance.
public sealed partial class HordeSupervisor
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _starting = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts the child <paramref name="spec"/> on the member the strategy picks. An id that runs already answers
    /// <see cref="StartChildStatus.AlreadyStarted"/> with its pid: never a second instance. Ordinary failures (no members,
    /// quorum not met, unknown child type, the member not reached in time) are a <see cref="StartChildStatus.Failed"/>
    /// result, not an exception; a start the member got but did not answer in time is <see cref="StartChildStatus.Unknown"/>.
    /// </summary>
    public async Task<StartChildResult> StartChildAsync(HordeChildSpec spec, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Id);
        var members = LiveMembers();
        if (Refuse(spec, members, HasQuorum) is { } refused)
            return refused;
        if (Options.Strategy.ChooseNode(spec.Id, members) is not { } target)
            return StartChildResult.Failed($"Supervisor '{Name}': the strategy placed '{spec.Id}' nowhere.");
        return await StartOnAsync(target, new SupervisorStartRequest(spec, 0, null, 0), timeout ?? Options.CallTimeout);
    }

    /// <summary>Starts a child of type <typeparamref name="T"/> (registered under its default name) with id <paramref name="id"/>.</summary>
    public Task<StartChildResult> StartChildAsync<T>(string id, TimeSpan? timeout = null) where T : HordeProcess =>
        StartChildAsync(HordeChildSpec.For<T>(id), timeout);

    /// <summary>Has <paramref name="target"/>'s supervisor run <paramref name="request"/>, or runs it here.</summary>
    private async Task<StartChildResult> StartOnAsync(NodeName target, SupervisorStartRequest request, TimeSpan timeout)
    {
        if (target == _node.Name)
            return await HandleStartAsync(request, timeout);
        try
        {
            var started = Environment.TickCount64;
            var process = await _node.WhereIsAsync(target, ProcessName, timeout)
                ?? throw new SupervisorException($"Node {target} runs no supervisor '{Name}'.");
            var left = timeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            try
            {
                return StartChildResult.From(await process.CallAsync<SupervisorStartReply>(request, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)));
            }
            catch (TimeoutException e)
            {
                return StartChildResult.Unknown($"Supervisor '{Name}': {target} got the start of '{request.Spec.Id}' but did not answer " +
                    $"within {timeout.TotalMilliseconds:0} ms ({e.Message}); it may run there: start it again or look it up by id.");
            }
        }
        catch (Exception e) when (e is TimeoutException or ProcessExitedException or InvalidOperationException or SupervisorException or RemoteCallException)
        {
            return StartChildResult.Failed($"Supervisor '{Name}': starting '{request.Spec.Id}' on {target} failed: {e.Message}");
        }
    }

    /// <summary>A start for this member (from here or forwarded): run it here, or forward it if this node is leaving.</summary>
    internal async Task<StartChildResult> HandleStartAsync(SupervisorStartRequest request, TimeSpan timeout)
    {
        if (TakesChildren)
            return await StartLocalAsync(request.Spec, request.Epoch, request.State);
        if (request.Hops >= Options.MaxHops)
            return StartChildResult.Failed($"Supervisor '{Name}': '{request.Spec.Id}' was forwarded {request.Hops} times; node {_node.Name} is leaving.");
        var others = LiveMembers().Where(m => m != _node.Name).ToList();
        if (Options.Strategy.ChooseSuccessor(request.Spec.Id, others) is not { } next)
            return StartChildResult.Failed($"Supervisor '{Name}': node {_node.Name} is leaving and no other member takes children.");
        return await StartOnAsync(next, request with { Hops = request.Hops + 1 }, timeout);
    }

    /// <summary>
    /// Starts the child on this node, registered under its id with <paramref name="epoch"/> (0: one past the largest
    /// epoch known for the id). A state given, or a checkpoint in the map, is what it starts from.
    /// </summary>
    private async Task<StartChildResult> StartLocalAsync(HordeChildSpec spec, long epoch, byte[]? state)
    {
        if (epoch == 0 && await WaitIfMovingAsync(spec.Id) is { } moved)
            return moved;
        // One start of an id at a time on this node, so that concurrent ones see each other's instance.
        var gate = _starting.GetOrAdd(spec.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            return await StartLocalOnceAsync(spec, epoch, state);
        }
        finally
        {
            gate.Release();
            if (gate.CurrentCount == 1)
                _starting.TryRemove(new KeyValuePair<string, SemaphoreSlim>(spec.Id, gate));
        }
    }

    /// <summary>
    /// Whether the child belongs to another node that is alive while its name is not registered: it is being moved,
    /// between giving up its name and its successor starting from the handed-off state.
    /// </summary>
    private bool IsMoving(ChildRecord? record) =>
        record is { } elsewhere && elsewhere.Owner != _node.Name && !IsGone(elsewhere.Owner, elsewhere.OwnerIncarnation);

    /// <summary>
    /// For a plain start of a child that is moving: waits (bounded, and outside the id's start gate, which the move's own
    /// start needs) for the successor, whose instance is the answer. A plain start here would run it without its state.
    /// </summary>
    private async Task<StartChildResult?> WaitIfMovingAsync(string id)
    {
        for (var waited = false; ; waited = true)
        {
            if (_registry.Lookup(id) is not null || !IsMoving(_children.TryGetValue(id, out var record) ? record : null))
                return null; // running (the start answers AlreadyStarted), or not moving: start as usual
            if (waited)
                return NotStartedWhileMoving(id, record!);
            await _registry.WhereIsAsync(id, Options.CallTimeout);
        }
    }

    private StartChildResult NotStartedWhileMoving(string id, ChildRecord record) =>
        StartChildResult.Unknown($"Supervisor '{Name}': '{id}' belongs to {record.Owner}, which is alive, but is not registered; " +
            "not started a second time here (it may be moving: look it up by id).");

    private async Task<StartChildResult> StartLocalOnceAsync(HordeChildSpec spec, long epoch, byte[]? state)
    {
        var holder = _registry.Lookup(spec.Id);
        if (holder is not null && (epoch == 0 || holder.Epoch >= epoch))
            return StartChildResult.AlreadyStarted(holder.Pid);
        if (_local.TryGetValue(spec.Id, out var here) && !here.Released)
            return StartChildResult.AlreadyStarted(here.Pid);
        if (Options.ChildTypes.Factory(spec.Type, Options.Services) is not { } factory)
            return StartChildResult.Failed($"Child type '{spec.Type}' is not registered with supervisor '{Name}' on {_node.Name}.");
        var record = _children.TryGetValue(spec.Id, out var known) ? known : null;
        if (epoch == 0 && holder is null && IsMoving(record))
            return NotStartedWhileMoving(spec.Id, record!);
        if (epoch == 0)
            epoch = Math.Max(record?.Epoch ?? 0, holder?.Epoch ?? 0) + 1;
        if (state is null && _states.TryGetValue(spec.Id, out var saved) && saved.Epoch < epoch)
            state = saved.State;

        Pid pid;
        try
        {
            pid = await _node.StartAsync(factory, new StartOptions { RestoredState = state is null ? (ReadOnlyMemory<byte>?)null : state, ShutdownTimeout = spec.ShutdownTimeout });
        }
        catch (Exception e) when (e is ProcessStartException or InvalidOperationException)
        {
            return StartChildResult.Failed($"Supervisor '{Name}': child '{spec.Id}' failed to start on {_node.Name} (restored state: {state?.Length.ToString() ?? "none"} bytes): {e.Message}");
        }
        var child = new LocalChild(spec, pid, epoch);
        _local[spec.Id] = child;
        _process?.Send(new MonitorChild(pid));
        await _children.PutAsync(spec.Id, new ChildRecord(spec, _node.Name, _node.Incarnation, epoch));
        RegisterResult registered;
        try
        {
            registered = await _registry.RegisterAsync(spec.Id, pid, spec.Type, epoch);
        }
        catch (ArgumentException)
        {
            registered = RegisterResult.AlreadyRegistered(pid); // it exited at once
        }
        catch (TimeoutException e)
        {
            // The registry did not answer in time (an overloaded node): no instance is left running unregistered.
            child.Released = true;
            _local.TryRemove(new KeyValuePair<string, LocalChild>(spec.Id, child));
            await _node.StopProcessAsync(pid, ExitReason.Shutdown);
            return StartChildResult.Failed($"Supervisor '{Name}': registering child '{spec.Id}' on {_node.Name} timed out: {e.Message}");
        }
        if (!registered.IsRegistered || registered.Holder != pid)
        {
            child.Released = true;
            _local.TryRemove(new KeyValuePair<string, LocalChild>(spec.Id, child));
            await _node.StopProcessAsync(pid, ExitReason.Normal);
            return registered.Holder != pid
                ? StartChildResult.AlreadyStarted(registered.Holder)
                : StartChildResult.Failed($"Supervisor '{Name}': child '{spec.Id}' exited as it started.");
        }
        if (state is not null && spec.CheckpointInterval is null)
            _ = _states.DeleteIfAsync(spec.Id, s => s.Epoch < epoch); // a handoff entry is removed once the successor runs
        _metrics.Starts.Add(1, MetricTags);
        return StartChildResult.Started(pid);
    }
}
