using System.Collections.Concurrent;
using Horde.Net.Cluster;
using Horde.Net.Cluster.Supervision;
using Horde.Net.Registry;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Supervisor;

// Children as the cluster knows them (the children map, read locally), terminate, and what an exit of a local child
// means: a crash restarts it here by its restart type; a move, a lost name or a deliberate stop does not.
public sealed partial class HordeSupervisor
{
    private readonly ConcurrentDictionary<string, CrashWindow> _crashes = new(StringComparer.Ordinal);

    /// <summary>Every child of the supervisor across the cluster, from the local replica (no network call).</summary>
    public IReadOnlyList<SupervisedChild> WhichChildren() =>
        [.. _children.View.Select(kv => new SupervisedChild(kv.Key, _registry.WhereIs(kv.Key), kv.Value.Spec, kv.Value.Owner))];

    /// <summary>How many children the supervisor has across the cluster (specs), and how many of them run now, from the local replica.</summary>
    public (int Specs, int Active) CountChildren()
    {
        var specs = 0;
        var active = 0;
        foreach (var (id, _) in _children.View)
        {
            specs++;
            if (_registry.Lookup(id) is not null)
                active++;
        }
        return (specs, active);
    }

    /// <summary>The ids of the children running on this node now (not those being moved away).</summary>
    public IReadOnlyList<string> LocalChildren() => [.. _local.Where(kv => !kv.Value.Released).Select(kv => kv.Key)];

    /// <summary>The instances running on this node now (not those being moved away), with their epochs.</summary>
    public IReadOnlyList<LocalChildInstance> LocalInstances() =>
        [.. _local.Where(kv => !kv.Value.Released).Select(kv => new LocalChildInstance(kv.Key, kv.Value.Pid, kv.Value.Epoch))];

    /// <summary>The running instance of child <paramref name="id"/>, or null. Local.</summary>
    public Pid? WhereIs(string id) => _registry.WhereIs(id);

    /// <summary>Terminates child <paramref name="id"/> wherever it runs and forgets it (it is not restarted).</summary>
    /// <returns>Whether the supervisor had such a child.</returns>
    public async Task<bool> TerminateChildAsync(string id, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var wait = timeout ?? Options.CallTimeout;
        if (_registry.WhereIs(id) is { } pid && pid.Node != _node.Name)
        {
            try
            {
                var process = await _node.WhereIsAsync(pid.Node, ProcessName, wait);
                if (process is not null)
                    return await process.CallAsync<bool>(new SupervisorTerminateRequest(id), wait);
            }
            catch (Exception e) when (e is TimeoutException or ProcessExitedException or InvalidOperationException or RemoteCallException)
            {
                _logger.LogDebug("Supervisor {Supervisor}: {Node} did not terminate {Id} ({Reason}); forgetting it here", Name, pid.Node, id, e.Message);
            }
        }
        return await TerminateHereAsync(id);
    }

    internal async Task<bool> TerminateHereAsync(string id)
    {
        var known = _children.TryGetValue(id, out _);
        await _children.DeleteAsync(id);
        await _states.DeleteAsync(id);
        if (_local.TryRemove(id, out var child))
        {
            child.Released = true;
            await _registry.UnregisterAsync(id, child.Pid);
            await _node.StopProcessAsync(child.Pid, ExitReason.Shutdown, child.Spec.ShutdownTimeout);
            return true;
        }
        return known;
    }

    /// <summary>A local child exited (from the supervisor process's monitor).</summary>
    internal void OnChildExit(Pid pid, ExitReason reason)
    {
        var entry = _local.FirstOrDefault(kv => kv.Value.Pid == pid);
        if (entry.Value is not { } child)
            return;
        _local.TryRemove(new KeyValuePair<string, LocalChild>(entry.Key, child));
        if (child.Released || reason.IsMoved || NameConflict.Is(reason) || !TakesChildren)
            return; // moved, lost to a newer instance, stopped on purpose, or this node is going: not a crash to restart here
        var spec = child.Spec;
        var restart = spec.Restart switch
        {
            Restart.Permanent => true,
            Restart.Transient => !reason.IsNormal,
            _ => false,
        };
        if (!restart)
        {
            _ = ForgetAsync(spec.Id, child.Epoch);
            return;
        }
        if (!TryRecordCrash(spec.Id))
        {
            SupervisorLog.GaveUp(_logger, Name, spec.Id, reason, Options.MaxRestarts, Options.RestartPeriod.TotalMilliseconds);
            _ = ForgetAsync(spec.Id, child.Epoch);
            return;
        }
        SupervisorLog.Restarting(_logger, Name, spec.Id, reason);
        _ = Task.Run(async () =>
        {
            await _states.DeleteIfAsync(spec.Id, s => s.Epoch <= child.Epoch); // a crash restarts from the initial state
            var result = await StartLocalAsync(spec, child.Epoch + 1, null);
            if (result.Status == StartChildStatus.Started)
                _metrics.Restarts.Add(1, [.. MetricTags, new("cause", "crash")]);
            else if (result.Status == StartChildStatus.Failed)
                SupervisorLog.RestartFailed(_logger, Name, spec.Id, result.Error);
        });
    }

    /// <summary>Counts a crash of <paramref name="id"/>; false when it is one too many within the restart period.</summary>
    private bool TryRecordCrash(string id)
    {
        var crashes = _crashes.GetOrAdd(id, _ => new CrashWindow(new RestartIntensity(Options.MaxRestarts, Options.RestartPeriod, TimeProvider.System)));
        lock (crashes)
        {
            crashes.LastMs = Environment.TickCount64;
            if (crashes.Intensity.TryRecord())
                return true;
        }
        _crashes.TryRemove(new KeyValuePair<string, CrashWindow>(id, crashes));
        return false;
    }

    /// <summary>Forgets the crash counts of children that have not crashed for a whole restart period, so they do not pile up.</summary>
    private void PruneCrashes()
    {
        var before = Environment.TickCount64 - (long)Options.RestartPeriod.TotalMilliseconds;
        foreach (var (id, crashes) in _crashes)
        {
            if (Volatile.Read(ref crashes.LastMs) < before)
                _crashes.TryRemove(new KeyValuePair<string, CrashWindow>(id, crashes));
        }
    }

    /// <summary>The recent crashes of one child id.</summary>
    private sealed class CrashWindow(RestartIntensity intensity)
    {
        public RestartIntensity Intensity { get; } = intensity;

        public long LastMs;
    }

    private async Task ForgetAsync(string id, long epoch)
    {
        await _children.DeleteIfAsync(id, r => r.Epoch <= epoch);
        await _states.DeleteIfAsync(id, s => s.Epoch <= epoch);
    }
}
