namespace Horde.Net.Supervisor.Tests;

/// <summary>
/// A pod's drain as Kubernetes runs it: SIGTERM, and at the same moment the pod turns NotReady, so the Kubernetes
/// strategy of the other pods drops it from their lists while it still hands its children off.
/// </summary>
public sealed class KubernetesDrainTests
{
    [Fact]
    public async Task A_draining_pod_already_dropped_by_the_kubernetes_strategy_still_hands_every_child_off_with_its_state()
    {
        await using var k8s = await KubernetesApiCluster.StartAsync(["127.0.0.111", "127.0.0.112", "127.0.0.113"], o => o.MessageTypes.AddSupervisor());
        var nodes = k8s.Nodes;
        await Eventually.TrueAsync(() => nodes.All(n => n.ConnectedNodes.Count == 2), "the three pods found each other through the API", TimeSpan.FromSeconds(15));
        var supervisors = new List<HordeSupervisor>();
        foreach (var node in nodes)
            supervisors.Add(await HordeSupervisor.StartAsync(node, SupervisorCluster.Name, SupervisorCluster.Options()));
        await Eventually.TrueAsync(() => supervisors.All(s => s.LiveMembers().Count == 3), "every supervisor sees three live members", TimeSpan.FromSeconds(15));
        var expected = new Dictionary<string, int>();
        for (var i = 0; i < 60; i++)
        {
            var id = $"pod-child-{i}";
            (await supervisors[0].StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
            expected[id] = await supervisors[0].Child<Counter>(id).CallAsync<int>(new Add(i + 1));
        }
        var leaving = nodes[2];
        var moving = supervisors[2].LocalChildren();
        Assert.NotEmpty(moving);

        // Registered after the supervisor's own drain hook, so it runs first (last registered first): the handoff starts
        // only once both other pods' memberships no longer list the draining one.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leaving.OnDrain(token => dropped.Task.WaitAsync(token));
        var stopping = leaving.StopAsync(TestContext.Current.CancellationToken);
        k8s.TurnNotReady(2);
        await Eventually.TrueAsync(() => k8s.Memberships.Take(2).All(m => !m.Members.Contains(leaving.Name)),
            "the two other pods' Kubernetes strategies dropped the NotReady pod");
        dropped.SetResult();
        await stopping;

        var survivors = supervisors.Take(2).ToList();
        await Eventually.TrueAsync(() => moving.All(id => survivors.Any(s => s.LocalChildren().Contains(id))),
            "every child of the drained pod runs on another pod");
        Assert.Empty(SupervisorCluster.Duplicates(survivors));
        foreach (var (id, state) in expected)
            Assert.Equal(state, await survivors[1].Child<Counter>(id).CallAsync<int>(new Get()));
        Assert.True(TestLogging.Factory.Has(5001, $"on {leaving.Name}:", $"handed off {moving.Count} children"),
            "the drain handed every child off (event 5001), none was left to crash recovery");
    }
}
