using Horde.Net.Cluster;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Registry;

/// <summary>
/// The registry's process on each node: it monitors the local holders (one that exits loses its names), follows the
/// other nodes (the names of a node that is gone are removed: at once after a goodbye, a replacement by a newer run or
/// a heartbeat timeout; after <see cref="RegistryOptions.NodeDownGrace"/> when the connection only dropped, unless the
/// same run is back by then), removes names on behalf of other nodes' unregisters, and, with a fixed member list,
/// sets the replicas' neighbours to the members.
/// </summary>
internal sealed class RegistryWatcher<TValue>(HordeRegistry<TValue> registry) : HordeProcess
{
    private readonly Dictionary<Pid, MonitorRef> _watched = [];
    private readonly Dictionary<NodeName, (ulong Incarnation, Timer Timer)> _expiring = [];

    private static readonly TimeSpan MembersRetry = TimeSpan.FromMilliseconds(250);

    private TimeSpan Grace => registry.Options.NodeDownGrace ?? Node.Options.FailureThreshold;

    protected override ValueTask InitAsync()
    {
        Node.MonitorNodes(Self);
        registry.MonitoredHolders.Clear(); // a watcher started again monitors nobody yet
        registry.RefreshConnected(); // after subscribing: a node that connects from now on sends a NodeUp
        if (registry.Options.Members is not null)
            Self.Send(new RegistryMembersCheck());
        return default;
    }

    protected override ValueTask<object?> HandleCallAsync(object message)
    {
        if (message is not RegistryUnregisterRequest request)
            return Unhandled(message);
        var reply = DeferReply();
        _ = Task.Run(async () =>
        {
            try
            {
                reply.Reply(await registry.UnregisterHereAsync(request.Name, request.Holder));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reply.Fail(e);
            }
        });
        return Reply(null);
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        switch (message)
        {
            case RegistryWatch watch when !_watched.ContainsKey(watch.Pid):
                _watched[watch.Pid] = MonitorProcess(watch.Pid);
                registry.MonitoredHolders[watch.Pid] = 0;
                break;
            case Down down when _watched.Remove(down.Pid):
                registry.MonitoredHolders.TryRemove(down.Pid, out _); // before the names are looked up: see HordeRegistry.MonitoredHolders
                registry.RemoveNamesOf(down.Pid);
                break;
            case RegistryLost lost:
                registry.RemoveNamesOf(lost.Loser); // its other names, even if it traps exits and lives on
                break;
            case NodeDown down:
                OnNodeDown(down);
                break;
            case NodeUp up:
                OnNodeUp(up);
                break;
            case RegistryNodeExpired expired:
                if (_expiring.TryGetValue(expired.Node, out var pending) && pending.Incarnation == expired.Incarnation)
                {
                    pending.Timer.Dispose();
                    _expiring.Remove(expired.Node);
                }
                if (Node.ConnectedIncarnation(expired.Node) != expired.Incarnation)
                    registry.RemoveNode(expired.Node, expired.Incarnation);
                break;
            case RegistryMembersCheck:
                _ = ApplyMembersAsync();
                break;
        }
        return default;
    }

    protected override ValueTask TerminateAsync(ExitReason reason)
    {
        Node.DemonitorNodes(Self);
        registry.MonitoredHolders.Clear();
        foreach (var (_, timer) in _expiring.Values)
            timer.Dispose();
        return default;
    }

    private void OnNodeDown(NodeDown down)
    {
        registry.RefreshConnected();
        if (registry.Options.Members is not null)
            Self.Send(new RegistryMembersCheck());
        if (down.Reason is NodeDownReason.Goodbye or NodeDownReason.Replaced or NodeDownReason.HeartbeatTimeout || Grace <= TimeSpan.Zero)
        {
            registry.RemoveNode(down.Node, down.Incarnation);
            return;
        }
        // The connection only dropped: the same run may be back in a moment and keeps its names if it is.
        var self = Self;
        var expired = new RegistryNodeExpired(down.Node, down.Incarnation);
        var timer = new Timer(_ => self.Send(expired), null, Grace, Timeout.InfiniteTimeSpan);
        if (_expiring.Remove(down.Node, out var earlier))
            earlier.Timer.Dispose();
        _expiring[down.Node] = (down.Incarnation, timer);
        Logger.LogDebug("Registry {Registry}: node {Node} dropped ({Reason}); its names go in {Grace} unless it is back", registry.Name, down.Node, down.Reason, Grace);
    }

    private void OnNodeUp(NodeUp up)
    {
        registry.RefreshConnected();
        if (_expiring.Remove(up.Node, out var pending))
        {
            pending.Timer.Dispose();
            if (pending.Incarnation != up.Incarnation)
                registry.RemoveNode(up.Node, pending.Incarnation);
        }
        if (up.Incarnation > 0)
            registry.RemoveNode(up.Node, up.Incarnation - 1); // names of its earlier runs
        if (registry.Options.Members is not null)
            Self.Send(new RegistryMembersCheck());
    }

    /// <summary>
    /// With a fixed member list: the replicas sync with the members' replicas only (a node not on the list, with none).
    /// A member whose registry has not started yet is looked for again shortly.
    /// </summary>
    private async Task ApplyMembersAsync()
    {
        var members = registry.Options.Members!;
        var names = new List<Pid>();
        var metas = new List<Pid>();
        var missing = false;
        try
        {
            if (members.Contains(Node.Name))
            {
                foreach (var member in members.Where(m => m != Node.Name && Node.ConnectedNodes.Contains(m)))
                {
                    var found = await Node.WhereIsAsync(member, registry.ReplicaName);
                    var meta = await Node.WhereIsAsync(member, registry.ReplicaName + ".meta");
                    missing |= found is null || meta is null;
                    if (found is not null && meta is not null)
                    {
                        names.Add(found);
                        metas.Add(meta);
                    }
                }
            }
            await registry.SetNeighboursAsync(names, metas);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or ProcessExitedException)
        {
            Logger.LogDebug("Registry {Registry}: finding the members' replicas failed ({Reason})", registry.Name, e.Message);
            missing = true;
        }
        if (missing)
        {
            var self = Self;
            _ = Task.Delay(MembersRetry).ContinueWith(_ => self.Send(new RegistryMembersCheck()), TaskScheduler.Default);
        }
    }
}
