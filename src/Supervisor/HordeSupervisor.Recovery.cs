using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Supervisor;

// The periodic pass (and the one a node event triggers): restart children whose node run is over on the member the
// ring now picks (exactly one member restarts each: the successor), keep the children map pointing at the live
// instance, write checkpoints, and stop local children while the quorum is lost.
public sealed partial class HordeSupervisor
{
    private readonly Lock _quorumGate = new();
    private int _passRequested;
    private bool _quorumLost;

    private void OnNodeDown(object? sender, NodeDown down)
    {
        if (down.Reason == NodeDownReason.ConnectionLost)
            _dropped[(down.Node, down.Incarnation)] = Environment.TickCount64;
        RequestPass();
    }

    private int _rebalancing;

    private void OnNodeUp(object? sender, NodeUp up) => RequestPass();

    private void RequestPass() => Interlocked.Exchange(ref _passRequested, 1);

    private async Task TickAsync()
    {
        var tick = 0;
        while (!Stopped)
        {
            try
            {
                await Task.Delay(Options.TickInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (_leaving)
                    continue;
                CheckQuorum();
                // Every pass on request, and every fifth anyway: a child record may reach this node after the event.
                if (Interlocked.Exchange(ref _passRequested, 0) == 1 || ++tick % 5 == 0)
                {
                    PruneCrashes();
                    await RecoverAsync();
                    if (Options.Redistribution == Redistribution.Active && Interlocked.Exchange(ref _rebalancing, 1) == 0)
                        _ = Task.Run(RebalanceAsync);
                }
                await CheckpointAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SupervisorLog.PassFailed(_logger, e, Name, _node.Name, "periodic");
            }
        }
    }

    private void CheckQuorum()
    {
        // A leaving node counts itself out of the quorum; stopping its children then would race the drain that parks
        // or hands them off. So the check is void once this node leaves (read after the quorum, which may already
        // have seen it leave), and under the gate a drain cannot begin between the check and the stops.
        lock (_quorumGate)
        {
            var quorum = HasQuorum;
            if (!TakesChildren)
                return;
            if (quorum == !_quorumLost)
                return;
            _quorumLost = !quorum;
            if (quorum)
            {
                SupervisorLog.QuorumRegained(_logger, Name, _node.Name);
                RequestPass();
                return;
            }
            SupervisorLog.QuorumLost(_logger, Name, _node.Name, Describe(Members), _local.Count);
            foreach (var child in _local.Values)
            {
                child.Released = true;
                _ = _registry.UnregisterAsync(child.Spec.Id, child.Pid);
                _ = _node.StopProcessAsync(child.Pid, ExitReason.ShutdownWith("quorum_lost"), child.Spec.ShutdownTimeout);
            }
        }
    }

    private async Task RecoverAsync()
    {
        if (_quorumLost || !TakesChildren)
            return;
        var members = LiveMembers();
        if (members.Count == 0)
            return;
        var restarts = new List<Task>();
        foreach (var (id, record) in _children.View)
        {
            if (_local.TryGetValue(id, out var here))
            {
                if (!here.Released && (record.Owner != _node.Name || record.OwnerIncarnation != _node.Incarnation || record.Epoch < here.Epoch))
                    restarts.Add(_children.PutAsync(id, new ChildRecord(here.Spec, _node.Name, _node.Incarnation, Math.Max(here.Epoch, record.Epoch)))); // after a partition healed in our favour
                continue;
            }
            if (!IsGone(record.Owner, record.OwnerIncarnation) || _registry.Lookup(id) is not null)
                continue;
            if (Options.Strategy.ChooseSuccessor(id, members) != _node.Name)
                continue;
            restarts.Add(RestartLostAsync(record));
        }
        await Task.WhenAll(restarts);
    }

    private async Task RestartLostAsync(ChildRecord record)
    {
        var result = await StartLocalAsync(record.Spec, record.Epoch + 1, null);
        if (result.Status == StartChildStatus.Started)
        {
            _metrics.Restarts.Add(1, [.. MetricTags, new("cause", "node_lost")]);
            SupervisorLog.Recovered(_logger, Name, _node.Name, record.Spec.Id, record.Owner);
        }
        else if (result.Status == StartChildStatus.Failed)
            SupervisorLog.RecoveryFailed(_logger, Name, _node.Name, record.Spec.Id, record.Owner, result.Error);
    }

    /// <summary>Writes the state of each checkpointing child whose state changed and whose interval passed, coalesced.</summary>
    private async Task CheckpointAsync()
    {
        var now = Environment.TickCount64;
        var writes = new List<Task>();
        foreach (var child in _local.Values)
        {
            if (child.Released || child.Spec.CheckpointInterval is not { } interval || now - child.LastCheckpointTicks < interval.TotalMilliseconds)
                continue;
            if (_node.GetStateVersion(child.Pid) is not { } version || version == child.CheckpointedVersion)
                continue;
            child.LastCheckpointTicks = now;
            writes.Add(CheckpointAsync(child));
        }
        await Task.WhenAll(writes);
    }

    private async Task CheckpointAsync(LocalChild child)
    {
        try
        {
            var capture = await _node.CaptureStateAsync(child.Pid, Options.SuspendTimeout);
            var state = capture.State.ToArray();
            await _states.UpdateAsync(child.Spec.Id, (current, exists) =>
                exists && (current!.Epoch > child.Epoch || (current.Epoch == child.Epoch && current.Version >= capture.Version))
                    ? (false, current) // a newer instance's state is never overwritten by an older one
                    : (true, new StateRecord(child.Epoch, capture.Version, state)));
            child.CheckpointedVersion = capture.Version;
        }
        catch (Exception e) when (e is TimeoutException or ProcessExitedException or InvalidOperationException)
        {
            _logger.LogDebug("Supervisor {Supervisor}: no checkpoint of {Id} ({Reason})", Name, child.Spec.Id, e.Message);
        }
    }

    /// <summary>
    /// Active redistribution, on every pass: local children whose ring owner is now another live member hand off to it.
    /// On the passes rather than once per join, because the newcomer's members entry reaches this node some time after
    /// its connection (a loaded machine can take seconds). One pass at a time.
    /// </summary>
    private async Task RebalanceAsync()
    {
        try
        {
            var members = LiveMembers();
            if (_quorumLost || !TakesChildren || members.Count == 0)
                return;
            var moving = _local.Values.Where(c => !c.Released && Options.Strategy.ChooseSuccessor(c.Spec.Id, members) is { } owner && owner != _node.Name).ToList();
            if (moving.Count > 0)
            {
                await Parallel.ForEachAsync(moving, new ParallelOptions { MaxDegreeOfParallelism = Options.HandoffConcurrency, CancellationToken = _stop.Token },
                    async (child, token) => await HandOffAsync(child, members, token));
            }
        }
        catch (OperationCanceledException) when (Stopped)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SupervisorLog.PassFailed(_logger, e, Name, _node.Name, "redistribution");
        }
        finally
        {
            Volatile.Write(ref _rebalancing, 0);
        }
    }
}
