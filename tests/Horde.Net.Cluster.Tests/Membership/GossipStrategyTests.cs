using System.Net;
using System.Net.Sockets;
using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>
/// Gossip over real UDP multicast on the loopback interface. Linux delivers multicast on <c>lo</c> without
/// the interface's MULTICAST flag or a 224.0.0.0/4 route, as long as the sender picks the interface by
/// address (IP_MULTICAST_IF 127.0.0.1) and the receiver joins on 127.0.0.1, which MulticastInterface does.
/// TTL 0 keeps every heartbeat on this host.
/// </summary>
public sealed class GossipStrategyTests
{
    private static readonly NodeName A = NodeName.Parse("a@127.0.0.31:4000");
    private static readonly NodeName B = NodeName.Parse("b@127.0.0.32:4000");
    private static readonly NodeName C = NodeName.Parse("c@127.0.0.33:4000");
    private static readonly NodeName D = NodeName.Parse("d@127.0.0.34:4000");

    private const string NoLoopbackMulticast =
        " (no heartbeat arrived over multicast on the loopback interface: check that this host delivers " +
        "IP_MULTICAST_IF=127.0.0.1 datagrams to sockets joined on 127.0.0.1)";

    /// <summary>A group and port of its own per test, so parallel tests (and other runs on the host) do not hear each other.</summary>
    private static GossipOptions Options(string? secret, (string Group, int Port) channel) => new()
    {
        MulticastAddress = channel.Group,
        Port = channel.Port,
        MulticastInterface = "127.0.0.1",
        MulticastTtl = 0,
        Secret = secret,
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        // Generous against a loaded CI machine: a late heartbeat must not drop a live peer mid-test.
        PeerTimeout = TimeSpan.FromSeconds(1),
    };

    private static (string Group, int Port) NewChannel()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        return ($"239.255.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}", port);
    }

    [Fact]
    public async Task Three_nodes_with_the_shared_secret_form_the_cluster()
    {
        var channel = NewChannel();
        var network = new FakeNetwork();
        var memberships = new[] { A, B, C }.Select(n => new ClusterMembership(network.Node(n),
            [new GossipStrategy("gossip", Options("cluster cookie", channel))], ClusterMembershipTests.Fast)).ToList();
        foreach (var membership in memberships)
            await membership.StartAsync(TestContext.Current.CancellationToken);

        await memberships.WaitForMembersAsync([A, B, C]);

        foreach (var membership in memberships)
            await membership.DisposeAsync();
    }

    [Fact]
    public async Task Heartbeats_sealed_with_another_secret_or_not_sealed_are_ignored()
    {
        var channel = NewChannel();
        var logger = new CapturingLogger<GossipStrategy>();
        using var stop = new CancellationTokenSource();
        var sinkA = new RecordingSink(A);
        var sinkD = new RecordingSink(D);
        var runs = new[]
        {
            new GossipStrategy("gossip", Options("right", channel), logger).RunAsync(sinkA, stop.Token),
            new GossipStrategy("gossip", Options("right", channel)).RunAsync(new RecordingSink(B), stop.Token),
            new GossipStrategy("gossip", Options("wrong", channel)).RunAsync(new RecordingSink(C), stop.Token),
            new GossipStrategy("gossip", Options(null, channel)).RunAsync(sinkD, stop.Token),
        };

        await sinkA.WaitForAsync(l => l.SetEquals([B]), $"[{B}]{NoLoopbackMulticast}");
        await MembershipWaits.UntilAsync(() => logger.Lines.Any(l => l.Message.Contains("another secret", StringComparison.Ordinal))
            && logger.Lines.Any(l => l.Message.Contains("requires the shared secret", StringComparison.Ordinal)),
            "A to log both rejections");
        // Many heartbeats from C and D have arrived by now; none got through.
        await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        Assert.Equal([B], sinkA.Latest!);
        Assert.True(sinkD.Latest is null || sinkD.Latest.Count == 0, "D, with no secret, must hear no sealed heartbeat.");
        // Logged once per sender and reason, not once per heartbeat.
        Assert.Equal(2, logger.Count(4011));

        await stop.CancelAsync();
        await Task.WhenAll(runs);
    }

    [Fact]
    public async Task A_peer_that_stops_heartbeating_is_dropped()
    {
        var channel = NewChannel();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var sinkA = new RecordingSink(A);
        var runA = new GossipStrategy("gossip", Options(null, channel)).RunAsync(sinkA, stopA.Token);
        var runB = new GossipStrategy("gossip", Options(null, channel)).RunAsync(new RecordingSink(B), stopB.Token);
        await sinkA.WaitForAsync(l => l.SetEquals([B]), $"[{B}]{NoLoopbackMulticast}");

        await stopB.CancelAsync();
        await runB;
        var stoppedAt = DateTime.UtcNow;
        await sinkA.WaitForAsync();
        Assert.True(DateTime.UtcNow - stoppedAt >= TimeSpan.FromMilliseconds(700), "B must be kept until its timeout passes.");

        await stopA.CancelAsync();
        await runA;
    }

    [Theory]
    [InlineData("not an IP", "127.0.0.1")]
    [InlineData("10.0.0.1", "127.0.0.1")]
    [InlineData("239.1.2.3", "::1")]
    public void Rejects_a_group_that_is_not_multicast_or_a_bad_interface(string group, string nic)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new GossipStrategy("gossip", new GossipOptions { MulticastAddress = group, MulticastInterface = nic }));
        Assert.Contains("gossip", error.Message);
    }
}
