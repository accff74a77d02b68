using Horde.Net.Registry;

namespace Horde.Net.Registry.Tests;

public sealed class ConflictTests
{
    [Fact]
    public async Task After_a_partition_heals_a_name_held_on_both_sides_has_one_winner_everywhere_and_the_loser_exits_once_with_NameConflict()
    {
        using var metrics = new MetricsRecorder();
        await using var cluster = await RegistryCluster.StartAsync();
        var nodes = cluster.Nodes;
        var left = await cluster.SpawnAsync(0);
        var right = await cluster.SpawnAsync(2);
        var leftProbe = await Probe.StartAsync(nodes[0], trapExits: true);
        var rightProbe = await Probe.StartAsync(nodes[2], trapExits: true);
        leftProbe.Watch(left);
        rightProbe.Watch(right);
        var events = new List<RegistryEvent<string>>[3];
        for (var i = 0; i < 3; i++)
        {
            var seen = events[i] = [];
            cluster[i].Listen(e => { lock (seen) seen.Add(e); });
        }

        var resolved = new List<(string Name, Pid Loser, Pid Winner)>();
        foreach (var registry in cluster.Registries)
            ((IRegistryStatus)registry).ConflictResolved += (name, loser, winner) => { lock (resolved) resolved.Add((name, loser, winner)); };

        TestCluster.Partition([nodes[0], nodes[1]], [nodes[2]]);
        await Eventually.TrueAsync(() => !nodes[0].ConnectedNodes.Contains(nodes[2].Name) && !nodes[2].ConnectedNodes.Contains(nodes[1].Name),
            "the failure detector cut the partition");
        Assert.True((await cluster[0].RegisterAsync("contested", left, "left")).IsRegistered);
        Assert.True((await cluster[2].RegisterAsync("contested", right, "right")).IsRegistered);
        await cluster[0].RegisterAsync("left-only", left, "also");
        await Eventually.TrueAsync(() => cluster[1].WhereIs("contested") == left, "the left side agrees before the heal");

        nodes.Heal();
        await nodes.ConnectAllAsync();

        await Eventually.TrueAsync(() => cluster.Registries.Select(r => r.WhereIs("contested")).Distinct().Count() == 1 && cluster[0].WhereIs("contested") is not null,
            "every node looks up the same winner", TimeSpan.FromSeconds(15));
        var winner = cluster[0].WhereIs("contested")!;
        var loser = winner == left ? right : left;
        var loserProbe = loser == left ? leftProbe : rightProbe;
        var down = await loserProbe.ExpectAsync<Down>(TimeSpan.FromSeconds(10));
        Assert.Equal(loser, down.Pid);
        Assert.True(NameConflict.Is(down.Reason), down.Reason.ToString());
        Assert.Contains(winner.ToString(), down.Reason.Detail);
        await (loser == left ? rightProbe : leftProbe).ExpectNothingAsync(TimeSpan.FromMilliseconds(300)); // the winner lives
        await Eventually.TrueAsync(() => cluster.Registries.All(r => r.Keys(loser).Count == 0), "the loser's other names are cleaned up everywhere");
        Assert.All(cluster.Registries, r => Assert.Equal(winner, r.WhereIs("contested")));
        Assert.True(TestLogging.Factory.Has(3000, $"{loser} lost contested to {winner}"), "event 3000 (name conflict) was logged");
        lock (resolved)
            Assert.Equal([("contested", loser, winner)], resolved); // what the dashboard's event feed shows, once

        // The loser's node counted one conflict, the winner's none; the size gauge shows what is left after the clean-up.
        var loserTag = ("node", (object)(loser == left ? nodes[0] : nodes[2]).Name.ToString());
        var winnerTag = ("node", (object)(loser == left ? nodes[2] : nodes[0]).Name.ToString());
        Assert.Equal(1, metrics.Sum("horde.registry.conflicts", loserTag));
        Assert.Equal(0, metrics.Sum("horde.registry.conflicts", winnerTag));
        metrics.Collect();
        Assert.Equal(loser == left ? 1 : 2, metrics.Last("horde.registry.size", ("node", nodes[1].Name.ToString())));

        // On the loser's node, listeners saw the loser's unregister, then the winner's register.
        var loserNode = loser == left ? 0 : 2;
        lock (events[loserNode])
        {
            var contested = events[loserNode].Where(e => e.Name == "contested").ToList();
            var unregistered = contested.FindIndex(e => e.Kind == RegistryEventKind.Unregistered && e.Pid == loser);
            var registered = contested.FindLastIndex(e => e.Kind == RegistryEventKind.Registered && e.Pid == winner);
            Assert.True(unregistered >= 0 && registered > unregistered, string.Join("; ", contested));
        }
    }

    [Theory]
    [InlineData(0L)] // a smaller epoch: the cut-off node's holder keeps the name
    [InlineData(1L)] // equal epochs: the later register, the majority's, wins
    [InlineData(2L)] // a larger epoch, as the supervisor's restart of a lost child has
    public async Task A_name_the_majority_took_from_a_cut_off_node_is_lost_by_its_holder_there_after_the_heal(long takerEpoch)
    {
        // The majority removes the cut-off node's names and registers its own holder: two changes, which reach the cut-off
        // node after the heal one at a time. Its holder must learn from the second that it lost, not only see its name go.
        await using var cluster = await RegistryCluster.StartAsync(3, new RegistryOptions { NodeDownGrace = TimeSpan.FromMilliseconds(100) });
        var nodes = cluster.Nodes;
        var names = Enumerable.Range(0, 10).Select(i => $"taken-{i}").ToArray();
        var held = new Dictionary<string, Pid>();
        foreach (var name in names)
        {
            held[name] = await cluster.SpawnAsync(2);
            Assert.True((await cluster[2].RegisterAsync(name, held[name], epoch: 1)).IsRegistered);
        }
        await cluster.EverywhereAsync(names[^1], held[names[^1]]);

        TestCluster.Partition([nodes[0], nodes[1]], [nodes[2]]);
        await Eventually.TrueAsync(() => cluster[0].Count == 0 && cluster[1].Count == 0, "the majority removed the cut-off node's names");
        var takers = new Dictionary<string, Pid>();
        foreach (var name in names)
        {
            takers[name] = await cluster.SpawnAsync(0);
            Assert.True((await cluster[0].RegisterAsync(name, takers[name], epoch: takerEpoch)).IsRegistered);
        }
        nodes.Heal();
        await nodes.ConnectAllAsync();

        var expected = takerEpoch >= 1 ? takers : held;
        await Eventually.TrueAsync(() => cluster.Registries.All(r => names.All(n => r.WhereIs(n) == expected[n])),
            () => $"every node names the winner of each name ({string.Join(", ", cluster.Registries.Select(r => names.Count(n => r.WhereIs(n) == expected[n])))} of {names.Length})",
            TimeSpan.FromSeconds(15));
        var losers = (takerEpoch >= 1 ? held : takers).Values.ToHashSet();
        await Eventually.TrueAsync(() => losers.All(p => !nodes[0].IsReachable(p) && !nodes[2].IsReachable(p)),
            () => $"every loser exited ({losers.Count(p => nodes[0].IsReachable(p) || nodes[2].IsReachable(p))} of {losers.Count} still run)", TimeSpan.FromSeconds(10));
        Assert.All(expected.Values, p => Assert.True(nodes[0].IsReachable(p) && nodes[2].IsReachable(p), $"winner {p} lives"));
    }

    [Fact]
    public async Task A_hundred_concurrent_registers_of_one_name_from_three_nodes_leave_one_holder_that_every_answer_names()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var pids = new List<(int Node, Pid Pid)>();
        for (var i = 0; i < 100; i++)
            pids.Add((i % 3, await cluster.SpawnAsync(i % 3)));

        var results = await Task.WhenAll(pids.Select(p => cluster[p.Node].RegisterAsync("one", p.Pid)));

        await Eventually.TrueAsync(() => cluster.Registries.Select(r => r.WhereIs("one")).Distinct().Count() == 1 && cluster[0].WhereIs("one") is not null,
            "every node looks up the same holder");
        var holder = cluster[0].WhereIs("one")!;
        Assert.Single(results, r => r.IsRegistered);
        Assert.All(results, r => Assert.Equal(holder, r.Holder));
        var alive = pids.Count(p => cluster.Nodes[p.Node].IsReachable(p.Pid));
        Assert.Equal(100, alive); // a register that answered AlreadyRegistered does not kill its process
    }
}
