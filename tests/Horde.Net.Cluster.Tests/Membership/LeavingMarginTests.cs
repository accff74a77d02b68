using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>A leaving node is kept past its drain while its processes stop, until its goodbye.</summary>
public sealed class LeavingMarginTests
{
    [Fact]
    public async Task A_leaving_node_whose_processes_stop_after_its_drain_is_kept_until_its_goodbye()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await TestCluster.StartNodeAsync("peer", o => o.FailureThreshold = TimeSpan.FromSeconds(10));
        await using var leaving = await TestCluster.StartNodeAsync("leaving", o =>
        {
            o.FailureThreshold = TimeSpan.FromSeconds(10);
            o.DrainTimeout = TimeSpan.FromMilliseconds(300);
        });
        await leaving.StartAsync(() => new SlowToStop(TimeSpan.FromSeconds(2)), new StartOptions { ShutdownTimeout = TimeSpan.FromSeconds(5) });
        var topology = new ManualStrategy("manual", leaving.Name);
        await using var membership = new ClusterMembership(peer, [topology], new ClusterMembershipOptions { ReconnectInterval = TimeSpan.FromMilliseconds(100) });
        var leavingSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var down = new TaskCompletionSource<NodeDown>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.NodeLeaving += (_, _) => leavingSeen.TrySetResult();
        peer.NodeDisconnected += (_, e) => down.TrySetResult(e);
        await membership.StartAsync(ct);
        await Eventually.TrueAsync(() => peer.ConnectedNodes.Contains(leaving.Name) && leaving.ConnectedNodes.Contains(peer.Name), "membership connected the two");

        var stopping = leaving.StopAsync(ct);
        await leavingSeen.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        topology.Set(); // the topology drops it, as Kubernetes drops a terminating pod

        // Its drain (300 ms) ends long before its process has stopped (2 s): only the announced stop keeps it.
        await stopping;
        var seen = await down.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.True(seen.Reason == NodeDownReason.Goodbye, $"the peer saw {seen}, not the goodbye");
    }

    /// <summary>A process whose terminate takes a while, as one that flushes its state does.</summary>
    private sealed class SlowToStop(TimeSpan stopping) : HordeProcess
    {
        protected override async ValueTask TerminateAsync(ExitReason reason) => await Task.Delay(stopping);
    }
}
