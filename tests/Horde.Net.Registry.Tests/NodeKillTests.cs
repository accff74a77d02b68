using System.Diagnostics;
using Horde.Net.Registry;

namespace Horde.Net.Registry.Tests;

public sealed class NodeKillTests
{
    [Fact]
    public async Task A_node_killed_with_SIGKILL_loses_its_names_everywhere_within_the_failure_threshold_and_a_sync_interval()
    {
        await using var cluster = await RegistryCluster.StartAsync(2);
        await using var victim = await NodeProcess.StartAsync("victim", TestCluster.Cookie, "--registry", RegistryCluster.Name, "5");
        foreach (var node in cluster.Nodes.Nodes)
            await TestCluster.ConnectAsync(node, victim.Name);
        await Eventually.TrueAsync(() => cluster.Registries.All(r => r.Count == 5 && r.WhereIs("victim/4") is not null),
            "the victim's five names reach both nodes", TimeSpan.FromSeconds(15));
        var survivor = await cluster.SpawnAsync(0);
        await cluster[0].RegisterAsync("survivor", survivor);

        var clock = Stopwatch.StartNew();
        victim.Kill();
        await Eventually.TrueAsync(() => cluster.Registries.All(r => r.WhereIs("victim/0") is null), "lookups hide the dead node's names at once");
        await Eventually.TrueAsync(() => cluster.Registries.All(r => r.Count == 1), "the dead node's names are removed", TimeSpan.FromSeconds(10));
        var took = clock.Elapsed;

        // Failure threshold (1 s in tests) plus one sync interval (200 ms), with room for a busy machine.
        var bound = cluster.Nodes[0].Options.FailureThreshold + TimeSpan.FromMilliseconds(200) + TimeSpan.FromSeconds(2);
        Assert.True(took < bound, $"removal took {took.TotalMilliseconds:0} ms, more than {bound.TotalMilliseconds:0} ms");
        Assert.All(cluster.Registries, r => Assert.Equal(survivor, r.WhereIs("survivor")));
    }

    [Fact]
    public async Task A_node_that_only_dropped_and_came_back_as_the_same_run_keeps_its_live_processes_names()
    {
        await using var cluster = await RegistryCluster.StartAsync(3, new RegistryOptions { NodeDownGrace = TimeSpan.FromMilliseconds(100) });
        var nodes = cluster.Nodes;
        var pid = await cluster.SpawnAsync(2);
        await cluster[2].RegisterAsync("keeps", pid);
        await cluster.EverywhereAsync("keeps", pid);

        // Cut node 2 off long enough for the others to remove its names, then let it back in.
        TestCluster.Partition([nodes[0], nodes[1]], [nodes[2]]);
        await Eventually.TrueAsync(() => cluster[0].Count == 0 && cluster[1].Count == 0, "the others removed the cut-off node's names");
        nodes.Heal();
        await nodes.ConnectAllAsync();

        await cluster.EverywhereAsync("keeps", pid);
        Assert.True(nodes[2].IsReachable(pid));
    }
}
