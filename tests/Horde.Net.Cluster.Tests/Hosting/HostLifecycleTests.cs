using System.Diagnostics.Metrics;
using Horde.Net.Cluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Horde.Net.Cluster.Tests.Hosting;

public sealed class HostLifecycleTests
{
    [Fact]
    public async Task A_host_started_from_configuration_joins_a_second_host()
    {
        var ct = TestContext.Current.CancellationToken;
        using var first = TestHosts.Build(TestHosts.Settings("first", out var firstName));
        var settings = TestHosts.Settings("second", out var secondName);
        settings["Horde:Membership:Topologies:seeds:Strategy"] = "Static";
        settings["Horde:Membership:Topologies:seeds:Config:Nodes:0"] = firstName.ToString();
        using var second = TestHosts.Build(settings);

        await first.StartAsync(ct);
        await second.StartAsync(ct);
        var a = first.Services.GetRequiredService<IHorde>();
        var b = second.Services.GetRequiredService<IHorde>();

        Assert.Same(a.Node, first.Services.GetRequiredService<Node>());
        Assert.Equal(NodeState.Running, a.Node.State);
        Assert.Equal(NodeState.Running, b.Node.State);
        await Eventually.TrueAsync(() => a.Node.ConnectedNodes.Contains(secondName) && b.Node.ConnectedNodes.Contains(firstName),
            "the two hosts' nodes are connected");
        await Eventually.TrueAsync(() => b.Membership.Members.SequenceEqual([firstName, secondName]), "the second host's membership lists both");
        Assert.Equal(1, ConnectedGauge(first.Services.GetRequiredService<IMeterFactory>(), firstName));

        var down = new TaskCompletionSource<NodeDown>(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Node.NodeDisconnected += (_, e) => down.TrySetResult(e);
        await second.StopAsync(ct);
        Assert.Equal(NodeState.Stopped, b.Node.State);
        Assert.Equal(NodeDownReason.Goodbye, (await down.Task.WaitAsync(TimeSpan.FromSeconds(5), ct)).Reason);
        await first.StopAsync(ct);
    }

    /// <summary>What <c>horde.node.connected</c> reads now for <paramref name="node"/> on the meters of <paramref name="factory"/>.</summary>
    private static int? ConnectedGauge(IMeterFactory factory, NodeName node)
    {
        int? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == Node.MeterName && instrument.Name == "horde.node.connected")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, tags, _) =>
        {
            if (tags.ToArray().Any(t => t.Key == "node" && Equals(t.Value, node.ToString())))
                value = measurement;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }

    [Fact]
    public async Task A_drain_hook_that_overruns_the_shutdown_timeout_is_cut_and_the_peer_still_sees_a_goodbye()
    {
        var ct = TestContext.Current.CancellationToken;
        // A failure threshold longer than the whole stop: the peer must see a goodbye, and a starved CPU cannot
        // turn it into a heartbeat timeout first.
        await using var peer = await TestCluster.StartNodeAsync("peer", o => o.FailureThreshold = TimeSpan.FromSeconds(10));
        var logging = new TestLogging();
        var settings = TestHosts.Settings("stuck", out _);
        settings["Horde:FailureThreshold"] = "00:00:10";
        settings["Horde:Membership:Topologies:seeds:Strategy"] = "Static";
        settings["Horde:Membership:Topologies:seeds:Config:Nodes:0"] = peer.Name.ToString();
        var hookCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = TestHosts.Build(settings, horde => horde.OnNodeStarted((_, node, _) =>
        {
            node.OnDrain(async drain =>
            {
                await using var _ = drain.Register(() => hookCancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, CancellationToken.None); // ignores its token, as a buggy hook would
            });
            return Task.CompletedTask;
        }), shutdownTimeout: TimeSpan.FromSeconds(2), logging: logging);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var down = new TaskCompletionSource<NodeDown>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.NodeConnected += (_, _) => connected.TrySetResult();
        peer.NodeDisconnected += (_, e) => down.TrySetResult(e);

        await host.StartAsync(ct);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var node = host.Services.GetRequiredService<Node>();
        await Eventually.TrueAsync(() => node.ConnectedNodes.Contains(peer.Name), "the host's node has finished connecting to the peer");
        await host.StopAsync(ct);

        Assert.True(hookCancelled.Task.IsCompleted, "the drain hook's token fired at the drain deadline");
        var goodbye = await down.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.True(goodbye.Reason == NodeDownReason.Goodbye, $"{goodbye}{Environment.NewLine}{string.Join(Environment.NewLine, logging.Lines)}");
        Assert.True(logging.Contains("drain hook did not finish before the drain deadline"), string.Join(Environment.NewLine, logging.Lines));
    }

    [Fact]
    public async Task Sigterm_to_a_host_in_its_own_process_drains_it_and_it_exits_0_within_the_shutdown_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        // Thresholds longer than the stop, so only a goodbye can end the connection (see the test above).
        await using var peer = await TestCluster.StartNodeAsync("peer", o => o.FailureThreshold = TimeSpan.FromSeconds(10));
        var probe = await Probe.StartAsync(peer);
        peer.Register("drain-probe", probe.Self);
        var connected = new TaskCompletionSource<NodeUp>(TaskCreationOptions.RunContinuationsAsynchronously);
        var down = new TaskCompletionSource<NodeDown>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.NodeConnected += (_, e) => connected.TrySetResult(e);
        peer.NodeDisconnected += (_, e) => down.TrySetResult(e);
        var shutdown = TimeSpan.FromSeconds(10);

        await using var host = await NodeProcess.StartHostAsync("hosted", new Dictionary<string, string>
        {
            ["Horde__FailureThreshold"] = "00:00:10",
            ["Horde__Membership__Topologies__seeds__Strategy"] = "Static",
            ["Horde__Membership__Topologies__seeds__Config__Nodes__0"] = peer.Name.ToString(),
            ["shutdownTimeoutSeconds"] = shutdown.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(host.Name, (await connected.Task.WaitAsync(TimeSpan.FromSeconds(10), ct)).Node);
        await host.WaitForLineAsync($"CONNECTED {peer.Name}"); // both ends done, so the stop cannot cut a handshake

        host.Terminate();

        Assert.Equal($"drained by {host.Name}", await probe.ExpectAsync<string>(TimeSpan.FromSeconds(10)));
        var goodbye = await down.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal((host.Name, NodeDownReason.Goodbye), (goodbye.Node, goodbye.Reason));
        Assert.True(await host.WaitForExitAsync(shutdown), $"the host did not exit within its shutdown timeout. Its output:{Environment.NewLine}{host.Output}");
        Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode}. Output:{Environment.NewLine}{host.Output}");
        await host.WaitForLineAsync("DRAIN HOOK RAN");
    }

    [Fact]
    public async Task After_sigterm_the_transport_keeps_serving_the_drain_and_only_the_host_has_a_console_lifetime()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var peer = await TestCluster.StartNodeAsync("peer", o => o.FailureThreshold = TimeSpan.FromSeconds(10));
        var probe = await Probe.StartAsync(peer);
        peer.Register("drain-probe", probe.Self);
        var echo = new CountingEcho();
        peer.Register("drain-echo", await peer.StartAsync(() => echo));
        var down = new TaskCompletionSource<NodeDown>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.NodeDisconnected += (_, e) => down.TrySetResult(e);

        await using var host = await NodeProcess.StartHostAsync("hosted", new Dictionary<string, string>
        {
            ["Horde__FailureThreshold"] = "00:00:10",
            ["Horde__Membership__Topologies__seeds__Strategy"] = "Static",
            ["Horde__Membership__Topologies__seeds__Config__Nodes__0"] = peer.Name.ToString(),
            ["TestNode__DrainCallsFor"] = "00:00:02",
            ["shutdownTimeoutSeconds"] = "15",
        });
        await host.WaitForLineAsync($"CONNECTED {peer.Name}");
        await Eventually.TrueAsync(() => peer.ConnectedNodes.Contains(host.Name), "the peer has the host's node connected");

        host.Terminate();

        // The drain keeps calling the peer for 2 s after the SIGTERM: a transport with a console lifetime of its own
        // would start stopping on the same signal and cut those calls off.
        Assert.Equal($"drained by {host.Name}", await probe.ExpectAsync<string>(TimeSpan.FromSeconds(15)));
        Assert.True(await host.WaitForExitAsync(TimeSpan.FromSeconds(15)), $"the host did not exit. Its output:{Environment.NewLine}{host.Output}");
        Assert.True(host.Output.Contains("DRAIN CALLS", StringComparison.Ordinal) && !host.Output.Contains("DRAIN CALL FAILED", StringComparison.Ordinal),
            $"every call of the drain succeeded. Output:{Environment.NewLine}{host.Output}");
        Assert.True(echo.Calls > 0, "the peer answered calls during the drain");
        var goodbye = await down.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.Equal((host.Name, NodeDownReason.Goodbye), (goodbye.Node, goodbye.Reason));
        Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode}. Output:{Environment.NewLine}{host.Output}");
        var started = host.Output.Split(Environment.NewLine).Count(line => line.Contains("Application started", StringComparison.Ordinal));
        Assert.True(started == 1, $"'Application started' is the host's own line, printed once, not {started} times. Output:{Environment.NewLine}{host.Output}");
    }

    /// <summary>Answers every call with its message and counts them.</summary>
    private sealed class CountingEcho : HordeProcess
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override ValueTask<object?> HandleCallAsync(object message)
        {
            Interlocked.Increment(ref _calls);
            return Reply(message);
        }
    }
}
