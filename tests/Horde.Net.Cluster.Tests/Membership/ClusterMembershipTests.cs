using System.Diagnostics.Metrics;
using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

public sealed class ClusterMembershipTests
{
    private static readonly NodeName A = NodeName.Parse("a@127.0.0.1:4001");
    private static readonly NodeName B = NodeName.Parse("b@127.0.0.1:4002");
    private static readonly NodeName C = NodeName.Parse("c@127.0.0.1:4003");
    private static readonly NodeName D = NodeName.Parse("d@127.0.0.1:4004");

    internal static ClusterMembershipOptions Fast => new() { ReconnectInterval = TimeSpan.FromMilliseconds(50), ConnectTimeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task Connects_listed_peers_and_disconnects_those_no_longer_listed()
    {
        var network = new FakeNetwork();
        network.Node(B);
        network.Node(C);
        var self = network.Node(A);
        var strategy = new ManualStrategy("manual", B, C);
        await using var membership = new ClusterMembership(self, [strategy], Fast);
        var joined = new List<NodeName>();
        var left = new List<NodeName>();
        membership.NodeJoined += (_, e) => joined.Add(e.Node);
        membership.NodeLeft += (_, e) => left.Add(e.Node);
        await membership.StartAsync(TestContext.Current.CancellationToken);

        await membership.WaitForMembersAsync([A, B, C]);
        Assert.Equal([B, C], self.ConnectedNodes.Order());

        strategy.Set(C);
        await membership.WaitForMembersAsync([A, C]);
        Assert.Equal([C], self.ConnectedNodes);
        Assert.Equal([B], self.Disconnects);
        Assert.Equal([B, C], joined.Order());
        Assert.Equal([B], left);
    }

    /// <summary>Node A with a manual topology listing <paramref name="peers"/>, all up, once it is connected to them.</summary>
    private static async Task<(FakeConnector Self, ManualStrategy Strategy, ClusterMembership Membership)> ConnectedToAsync(params NodeName[] peers)
    {
        var network = new FakeNetwork();
        foreach (var peer in peers)
            network.Node(peer);
        var self = network.Node(A);
        var strategy = new ManualStrategy("manual", peers);
        var membership = new ClusterMembership(self, [strategy], Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);
        await membership.WaitForMembersAsync([A, .. peers]);
        return (self, strategy, membership);
    }

    [Fact]
    public async Task A_failed_disconnect_is_tried_again_next_round()
    {
        var (self, strategy, membership) = await ConnectedToAsync(B);
        await using var disposeMembership = membership;
        self.FailingDisconnects = 2;
        strategy.Set();
        await MembershipWaits.UntilAsync(() => self.ConnectedNodes.Count == 0, "the unlisted node is disconnected in the end");
        Assert.Equal([B, B, B], self.Disconnects); // two failures, then the attempt that worked; none after
    }

    [Fact]
    public async Task A_draining_node_stays_connected_though_unlisted_until_its_drain_ends()
    {
        var (self, strategy, membership) = await ConnectedToAsync(B, C);
        await using var disposeMembership = membership;
        self.Draining[B] = 0;
        strategy.Set(C);
        await membership.WaitForMembersAsync([A, C]); // the round that unlisted B has run
        await Task.Delay(Fast.ReconnectInterval * 4, TestContext.Current.CancellationToken); // and a few more
        Assert.Empty(self.Disconnects);
        Assert.Contains(B, self.ConnectedNodes);

        self.Draining.TryRemove(B, out _); // its announced drain ran out without a goodbye
        await MembershipWaits.UntilAsync(() => !self.ConnectedNodes.Contains(B), "the node is disconnected once its drain ran out");
        Assert.Equal([B], self.Disconnects);
    }

    [Fact]
    public async Task Never_connects_to_itself_even_under_another_name_part()
    {
        var network = new FakeNetwork();
        network.Node(B);
        var self = network.Node(A);
        var alias = NodeName.Create("other", A.Host, A.Port);
        await using var membership = new ClusterMembership(self, [new ManualStrategy("manual", A, alias, B)], Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);

        await membership.WaitForMembersAsync([A, B]);
        Assert.Equal([B], membership.ListedPeers);
        Assert.DoesNotContain(A, self.Attempts);
        Assert.DoesNotContain(alias, self.Attempts);
    }

    [Fact]
    public async Task Merges_topologies_and_keeps_a_node_while_any_topology_lists_it()
    {
        var network = new FakeNetwork();
        foreach (var node in new[] { B, C, D })
            network.Node(node);
        var self = network.Node(A);
        var first = new ManualStrategy("first", B, C);
        var second = new ManualStrategy("second", C, D);
        await using var membership = new ClusterMembership(self, [first, second], Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);
        await membership.WaitForMembersAsync([A, B, C, D]);

        first.Set(B);
        Assert.Equal([B, C, D], membership.ListedPeers.Order());
        // Absence of an action can only be checked by letting several reconnect rounds pass.
        await Task.Delay(Fast.ReconnectInterval * 4, TestContext.Current.CancellationToken);
        Assert.Empty(self.Disconnects);
        Assert.Equal([A, B, C, D], membership.Members);

        second.Set(D);
        await membership.WaitForMembersAsync([A, B, D]);
        Assert.Equal([C], self.Disconnects);
    }

    [Fact]
    public async Task A_dropped_connection_is_a_leave_and_the_node_is_connected_again_when_it_is_back()
    {
        var network = new FakeNetwork();
        network.Node(B);
        var self = network.Node(A);
        await using var membership = new ClusterMembership(self, [new ManualStrategy("manual", B)], Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);
        await membership.WaitForMembersAsync([A, B]);

        network.SetUp(B, false);
        await membership.WaitForMembersAsync([A]);
        var attemptsWhileDown = self.Attempts.Count;
        await MembershipWaits.UntilAsync(() => self.Attempts.Count >= attemptsWhileDown + 2, "retries while B is down");

        network.SetUp(B, true);
        await membership.WaitForMembersAsync([A, B]);
        Assert.Equal([B], self.ConnectedNodes);
    }

    [Fact]
    public async Task Logs_each_change_once_not_once_per_publication()
    {
        var network = new FakeNetwork();
        network.Node(B);
        var self = network.Node(A);
        var strategy = new ManualStrategy("manual", B);
        var logger = new CapturingLogger<ClusterMembership>();
        await using var membership = new ClusterMembership(self, [strategy], Fast, logger);
        await membership.StartAsync(TestContext.Current.CancellationToken);
        await membership.WaitForMembersAsync([A, B]);

        for (var i = 0; i < 20; i++)
            strategy.Set(B);
        // Several reconnect rounds pass with nothing to change.
        var attempts = self.Attempts.Count;
        await Task.Delay(Fast.ReconnectInterval * 5, TestContext.Current.CancellationToken);

        Assert.Equal(1, logger.Count(4000)); // topology changed
        Assert.Equal(1, logger.Count(4001)); // members changed
        Assert.Equal(attempts, self.Attempts.Count);
        Assert.Contains(logger.Lines, l => l.Id.Id == 4001 && l.Message.Contains(B.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_node_is_logged_once_and_its_recovery_once()
    {
        var network = new FakeNetwork();
        network.Node(B);
        network.SetUp(B, false);
        var self = network.Node(A);
        var logger = new CapturingLogger<ClusterMembership>();
        await using var membership = new ClusterMembership(self, [new ManualStrategy("manual", B)], Fast, logger);
        await membership.StartAsync(TestContext.Current.CancellationToken);

        await MembershipWaits.UntilAsync(() => self.Attempts.Count >= 4, "several connection attempts");
        network.SetUp(B, true);
        await membership.WaitForMembersAsync([A, B]);

        Assert.Equal(1, logger.Count(4002)); // cannot connect
        Assert.Equal(1, logger.Count(4003)); // connected after failures
    }

    [Fact]
    public async Task Publishes_the_member_count_on_the_Horde_Net_meter()
    {
        var network = new FakeNetwork();
        network.Node(B);
        network.Node(C);
        var self = network.Node(A);
        await using var membership = new ClusterMembership(self, [new ManualStrategy("manual", B, C)], Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);
        await membership.WaitForMembersAsync([A, B, C]);

        var seen = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClusterMembership.MeterName && instrument.Name == "horde.membership.members")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "node" && (string?)tag.Value == A.ToString())
                    seen.Add(value);
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal([3], seen);
    }

    [Fact]
    public async Task A_strategy_that_throws_is_restarted()
    {
        var network = new FakeNetwork();
        network.Node(B);
        var self = network.Node(A);
        var flaky = new ThrowsOnceStrategy(B);
        await using var membership = new ClusterMembership(self, [flaky], Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);

        await membership.WaitForMembersAsync([A, B]);
        Assert.Equal(2, flaky.Runs);
    }

    [Fact]
    public void Two_topologies_with_the_same_name_are_refused()
    {
        var network = new FakeNetwork();
        var error = Assert.Throws<ArgumentException>(() =>
            new ClusterMembership(network.Node(A), [new ManualStrategy("same"), new ManualStrategy("same")]));
        Assert.Contains("same", error.Message);
    }

    private sealed class ThrowsOnceStrategy(NodeName peer) : IMembershipStrategy
    {
        public int Runs;

        public string Topology => "flaky";

        public async Task RunAsync(IPeerListSink sink, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref Runs) == 1)
                throw new InvalidOperationException("first run fails");
            sink.Publish(new HashSet<NodeName> { peer });
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
