using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

public sealed class StaticStrategyTests
{
    private static readonly NodeName A = NodeName.Parse("a@127.0.0.1:4101");
    private static readonly NodeName B = NodeName.Parse("b@127.0.0.1:4102");
    private static readonly NodeName C = NodeName.Parse("c@127.0.0.1:4103");

    [Fact]
    public void Reads_the_NODES_style_variable_and_the_configured_list()
    {
        var variable = $"HORDE_TEST_NODES_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, $" {B},{C} ");
        try
        {
            var strategy = new StaticStrategy("local", new StaticOptions { Nodes = [A.ToString()], NodesEnvironmentVariable = variable });
            Assert.Equal([A, B, C], strategy.Nodes.Order());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_malformed_name_fails_at_start_up_naming_it()
    {
        var error = Assert.Throws<FormatException>(() => StaticStrategy.Parse($"{A},b@nohostport"));
        Assert.Contains("b@nohostport", error.Message);
    }

    [Fact]
    public async Task A_listed_node_that_restarts_is_connected_again()
    {
        var network = new FakeNetwork();
        network.Node(B);
        network.SetUp(B, false); // B is still starting
        var self = network.Node(A);
        var strategy = new StaticStrategy("local", new StaticOptions { Nodes = [B.ToString()], NodesEnvironmentVariable = null });
        await using var membership = new ClusterMembership(self, [strategy], ClusterMembershipTests.Fast);
        await membership.StartAsync(TestContext.Current.CancellationToken);

        await MembershipWaits.UntilAsync(() => self.Attempts.Count >= 2, "attempts to reach B while it is down");
        Assert.Equal([A], membership.Members);

        network.SetUp(B, true);
        await membership.WaitForMembersAsync([A, B]);

        network.SetUp(B, false); // B restarts: its connections drop
        await membership.WaitForMembersAsync([A]);
        network.SetUp(B, true);
        await membership.WaitForMembersAsync([A, B]);
        Assert.Equal([B], self.ConnectedNodes);
    }

    [Fact]
    public async Task Three_nodes_with_the_same_list_form_the_full_cluster()
    {
        var network = new FakeNetwork();
        var variable = $"HORDE_TEST_NODES_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, $"{A},{B},{C}");
        try
        {
            var memberships = new[] { A, B, C }.Select(n => new ClusterMembership(network.Node(n),
                [new StaticStrategy("local", new StaticOptions { NodesEnvironmentVariable = variable })], ClusterMembershipTests.Fast)).ToList();
            foreach (var membership in memberships)
                await membership.StartAsync(TestContext.Current.CancellationToken);

            await memberships.WaitForMembersAsync([A, B, C]);

            foreach (var membership in memberships)
                await membership.DisposeAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
