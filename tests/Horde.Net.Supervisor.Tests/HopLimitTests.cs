namespace Horde.Net.Supervisor.Tests;

/// <summary>Forwarded starts carry a hop count: nodes that disagree about who takes a child cannot pass it round forever.</summary>
public sealed class HopLimitTests
{
    /// <summary>
    /// A strategy that disagrees with what the nodes see: it places on <paramref name="first"/> and, shared by all nodes,
    /// names the two nodes in turn as successor, whether they take children or not.
    /// </summary>
    private sealed class PingPong(NodeName first, NodeName second) : IDistributionStrategy
    {
        private int _turn;

        public NodeName? ChooseNode(string childId, IReadOnlyList<NodeName> members) => first;

        public NodeName? ChooseSuccessor(string childId, IReadOnlyList<NodeName> members) =>
            Interlocked.Increment(ref _turn) % 2 == 1 ? second : first;
    }

    [Fact]
    public async Task A_start_bounced_between_two_leaving_nodes_fails_at_the_hop_limit_with_a_clear_error()
    {
        PingPong? strategy = null;
        await using var cluster = await SupervisorCluster.StartAsync(3, o =>
        {
            o.Strategy = new LateBound(() => strategy!);
            o.MaxHops = 3;
        });
        var (n1, n2) = (cluster.Nodes[1], cluster.Nodes[2]);
        strategy = new PingPong(n1.Name, n2.Name);
        // Both nodes drain, held in Leaving by a hook that runs before their supervisors' own (last registered first).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var node in new[] { n1, n2 })
            node.OnDrain(token => release.Task.WaitAsync(token));
        var stops = new[] { n1.StopAsync(TestContext.Current.CancellationToken), n2.StopAsync(TestContext.Current.CancellationToken) };
        await Eventually.TrueAsync(() => n1.State == NodeState.Leaving && n2.State == NodeState.Leaving, "both nodes are leaving");

        // n1 forwards to n2 (its only other pick), n2 back to n1, and so on: refused once it was forwarded MaxHops times.
        var result = await cluster[0].StartChildAsync(SupervisorCluster.Spec("bounced"), TimeSpan.FromSeconds(10));
        Assert.Equal(StartChildStatus.Failed, result.Status);
        Assert.Contains("forwarded 3 times", result.Error);
        Assert.All(cluster.Supervisors, s => Assert.DoesNotContain("bounced", s.LocalChildren()));

        release.SetResult();
        await Task.WhenAll(stops);
    }

    /// <summary>The options are set before the nodes' names are known: the strategy is looked up when used.</summary>
    private sealed class LateBound(Func<IDistributionStrategy> strategy) : IDistributionStrategy
    {
        public NodeName? ChooseNode(string childId, IReadOnlyList<NodeName> members) => strategy().ChooseNode(childId, members);

        public NodeName? ChooseSuccessor(string childId, IReadOnlyList<NodeName> members) => strategy().ChooseSuccessor(childId, members);
    }
}
