using System.Diagnostics;
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Supervisor;

// State handoff. On drain each local child, many at a time: suspend it (it finishes its message; later ones are held),
// give up its name, have the successor (the ring's pick among the members that are not leaving) start from its state
// with the next epoch and answer, then forward what the old instance holds to the new one. With no member left the
// state goes to the replicated map, where the next start of the id picks it up.
public sealed partial class HordeSupervisor
{
    private const int HandoffAttempts = 3;

    private async Task DrainAsync(CancellationToken deadline)
    {
        lock (_quorumGate)
            _leaving = true; // from here the quorum check leaves the children to this drain
        await MarkSelfAsync(MemberStatus.Leaving);
        var children = _local.Values.Where(c => !c.Released).ToList();
        if (children.Count == 0)
            return;
        var started = Environment.TickCount64;
        SupervisorLog.DrainHandoffStarted(_logger, Name, _node.Name, children.Count);
        var moved = 0;
        try
        {
            await Parallel.ForEachAsync(children, new ParallelOptions { MaxDegreeOfParallelism = Options.HandoffConcurrency, CancellationToken = deadline },
                async (child, token) =>
                {
                    if (await HandOffAsync(child, null, token))
                        Interlocked.Increment(ref moved);
                });
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }
        _metrics.DrainDuration.Record(Environment.TickCount64 - started, MetricTags);
        var left = children.Count - moved;
        if (left > 0)
            SupervisorLog.DrainHandoffIncomplete(_logger, Name, _node.Name, left, children.Count);
        else
            SupervisorLog.DrainHandoffFinished(_logger, Name, _node.Name, children.Count, Environment.TickCount64 - started);
    }

    /// <summary>Moves one local child to the successor among <paramref name="members"/> (default: the live members now), measured.</summary>
    /// <returns>Whether it moved (or its state was parked in the map).</returns>
    private async Task<bool> HandOffAsync(LocalChild child, IReadOnlyList<NodeName>? members, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // A span of its own, current while it runs, so the call that starts the successor is a child of it.
        using var span = HordeTracing.Source.StartActivity("horde.supervisor.handoff");
        span?.SetTag("horde.supervisor", Name);
        span?.SetTag("horde.child", child.Spec.Id);
        var moved = await MoveAsync(child, members, cancellationToken);
        if (!moved)
            span?.SetStatus(ActivityStatusCode.Error, "not handed off: it goes on here, or its state is parked on a leaving node");
        _metrics.Handoffs.Add(1, [.. MetricTags, new("outcome", moved ? "moved" : "failed")]);
        _metrics.HandoffDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, MetricTags);
        return moved;
    }

    private async Task<bool> MoveAsync(LocalChild child, IReadOnlyList<NodeName>? members, CancellationToken cancellationToken)
    {
        var id = child.Spec.Id;
        members ??= LiveMembers();
        var others = members.Where(m => m != _node.Name).ToList();
        var target = Options.Strategy.ChooseSuccessor(id, others);
        var started = Stopwatch.GetTimestamp();
        SupervisorLog.HandoffStarted(_logger, Name, id, target?.ToString() ?? "the map (no member left)");
        if (await SuspendAsync(child, cancellationToken) is not { } suspension)
            return false;
        child.Released = true;
        var state = suspension.State?.ToArray();
        try
        {
            if (target is not { } successor)
                return await ParkAsync(child, suspension, state);
            await _registry.UnregisterAsync(id, child.Pid);
            var request = new SupervisorStartRequest(child.Spec, 0, state, child.Epoch + 1);
            var result = await StartOnAsync(successor, request, Options.CallTimeout);
            // A failure may only be a reply that came too late, the successor running the child all the same: resuming
            // it here would run it twice. Asking again is safe, a successor that has it answers AlreadyStarted with it.
            for (var attempt = 1; !result.IsRunning && attempt < HandoffAttempts && !cancellationToken.IsCancellationRequested; attempt++)
                result = await StartOnAsync(successor, request, Options.CallTimeout);
            if (result.Pid is { } next && result.IsRunning && next != child.Pid)
            {
                suspension.ForwardTo(next);
                _local.TryRemove(new KeyValuePair<string, LocalChild>(id, child));
                SupervisorLog.HandoffFinished(_logger, Name, id, successor, next, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return true;
            }
            if (_leaving)
            {
                // This node is going: resumed here the child would die with it. Its state waits in the map instead.
                SupervisorLog.HandoffFailed(_logger, null, Name, id, successor.ToString(), result.Error, "its state is parked in the map");
                await ParkAsync(child, suspension, state);
                return false;
            }
            SupervisorLog.HandoffFailed(_logger, null, Name, id, successor.ToString(), result.Error, "it goes on here");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            SupervisorLog.HandoffFailed(_logger, e, Name, id, target?.ToString() ?? "the map", e.Message, "it goes on here");
        }
        child.Released = false;
        suspension.Resume();
        await _registry.RegisterAsync(id, child.Pid, child.Spec.Type, child.Epoch);
        return false;
    }

    /// <summary>
    /// Suspends the child for its move. On a leaving node a suspension that timed out (a handler that ran long, a starved
    /// machine) is asked for again until the drain's deadline: a child left running there dies with the node, and its
    /// successor would start from its last checkpoint, not its state.
    /// </summary>
    /// <returns>The suspension, or null when the child cannot be suspended (gone, or not in time).</returns>
    private async Task<Suspension?> SuspendAsync(LocalChild child, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await _node.SuspendAsync(child.Pid, Options.SuspendTimeout);
            }
            catch (TimeoutException e) when (_leaving && !cancellationToken.IsCancellationRequested)
            {
                SupervisorLog.SuspendFailed(_logger, Name, child.Spec.Id, $"{e.Message} Asking again, as this node is leaving.");
            }
            catch (Exception e) when (e is TimeoutException or ProcessExitedException or InvalidOperationException)
            {
                SupervisorLog.SuspendFailed(_logger, Name, child.Spec.Id, e.Message);
                return null;
            }
        }
    }

    /// <summary>No member left to take the child: its state goes to the map (fenced by epoch) and it stops.</summary>
    private async Task<bool> ParkAsync(LocalChild child, Suspension suspension, byte[]? state)
    {
        if (state is not null)
        {
            await _states.UpdateAsync(child.Spec.Id, (current, exists) =>
                exists && current!.Epoch > child.Epoch ? (false, current) : (true, new StateRecord(child.Epoch, suspension.StateVersion, state)),
                WriteLevel.All, Options.CallTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await _registry.UnregisterAsync(child.Spec.Id, child.Pid);
        suspension.Abandon(ExitReason.ShutdownWith("parked"));
        _local.TryRemove(new KeyValuePair<string, LocalChild>(child.Spec.Id, child));
        return true;
    }
}
