using Horde.Net.Registry;

namespace Horde.Net.Registry.Tests;

public sealed class RegistryApiTests
{
    [Fact]
    public async Task A_register_is_visible_on_its_node_when_it_returns_and_on_every_node_soon_after()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var pid = await cluster.SpawnAsync(0);

        var result = await cluster[0].RegisterAsync("order-1", pid, "v1");

        Assert.True(result.IsRegistered);
        Assert.Equal(pid, cluster[0].WhereIs("order-1")); // read-your-writes
        await cluster.EverywhereAsync("order-1", pid);
        var entry = cluster[2].Lookup("order-1");
        Assert.NotNull(entry);
        Assert.Equal("v1", entry.Value);
        Assert.Equal(1, await entry.Pid.CallAsync<int>(new Add(1))); // a looked-up remote pid can be called at once
        Assert.Equal(["order-1"], cluster[1].Keys(pid));
        Assert.Equal(1, cluster[1].Count);
    }

    [Fact]
    public async Task A_taken_name_is_refused_with_its_holder_from_any_node()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var holder = await cluster.SpawnAsync(0);
        await cluster[0].RegisterAsync("taken", holder);
        await cluster.EverywhereAsync("taken", holder);

        var other = await cluster.SpawnAsync(1);
        var result = await cluster[1].RegisterAsync("taken", other);

        Assert.False(result.IsRegistered);
        Assert.Equal(holder, result.Holder);
        Assert.Equal(RegisterResult.AlreadyRegistered(holder), await cluster[0].RegisterAsync("taken", holder)); // again: itself
        await Assert.ThrowsAsync<ArgumentException>(() => cluster[1].RegisterAsync("remote pid", holder)); // a process registers on its own node
    }

    [Fact]
    public async Task Concurrent_registers_of_one_name_on_one_node_have_exactly_one_winner()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var pids = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cluster.SpawnAsync(0)));

        var results = await Task.WhenAll(pids.Select(pid => cluster[0].RegisterAsync("contended", pid)));

        var winner = Assert.Single(results, r => r.IsRegistered).Holder;
        Assert.All(results, r => Assert.Equal(winner, r.Holder));
        Assert.Equal(winner, cluster[0].WhereIs("contended"));
    }

    [Fact]
    public async Task An_unregister_on_another_node_is_done_by_the_holders_node_and_removes_the_name_everywhere()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var pid = await cluster.SpawnAsync(0);
        await cluster[0].RegisterAsync("gone", pid);
        await cluster.EverywhereAsync("gone", pid);
        var other = await cluster.SpawnAsync(1);

        Assert.False(await cluster[1].UnregisterAsync("gone", other)); // not its holder
        Assert.True(await cluster[1].UnregisterAsync("gone", pid));

        Assert.Null(cluster[0].WhereIs("gone")); // removed on the owner when the call returns
        await cluster.EverywhereAsync("gone", null);
        Assert.Empty(cluster[2].Keys(pid));
        Assert.False(await cluster[2].UnregisterAsync("gone"));
    }

    [Fact]
    public async Task Values_update_match_select_dispatch_and_unregister_match()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var a = await cluster.SpawnAsync(0);
        var b = await cluster.SpawnAsync(1);
        await cluster[0].RegisterAsync("a", a, "red");
        await cluster[1].RegisterAsync("b", b, "blue");
        await cluster.EverywhereAsync("a", a);
        await cluster.EverywhereAsync("b", b);

        Assert.True(await cluster[2].UpdateValueAsync("a", a, v => v + "!"));
        Assert.False(await cluster[2].UpdateValueAsync("a", b, "not its holder"));
        await Eventually.TrueAsync(() => cluster.Registries.All(r => r.Lookup("a")?.Value == "red!"), "the new value is everywhere");

        var registry = cluster[2];
        Assert.Equal(a, Assert.Single(registry.Match("a", "red!")).Pid);
        Assert.Empty(registry.Match("a", "red"));
        Assert.Equal(1, registry.CountMatch("b", v => v.StartsWith('b')));
        Assert.Equal(0, registry.CountMatch("b", "red!"));
        var selected = registry.Select((name, pid, value) => pid.Node == cluster.Nodes[1].Name);
        Assert.Equal("b", Assert.Single(selected).Key);

        Pid? dispatched = null;
        Assert.True(registry.Dispatch("b", (pid, value) => dispatched = pid));
        Assert.Equal(b, dispatched);
        Assert.False(registry.Dispatch("nobody", (_, _) => throw new InvalidOperationException("not called")));

        Assert.Equal(0, await registry.UnregisterMatchAsync("b", b, "red"));
        Assert.Equal(1, await registry.UnregisterMatchAsync("b", b, v => v == "blue"));
        await cluster.EverywhereAsync("b", null);
    }

    [Fact]
    public async Task Meta_is_put_read_and_deleted_on_every_node()
    {
        await using var cluster = await RegistryCluster.StartAsync();

        await cluster[0].PutMetaAsync("config", new[] { 1, 2, 3 });

        await Eventually.TrueAsync(() => cluster[2].TryGetMeta<int[]>("config", out var v) && v.SequenceEqual([1, 2, 3]), "the meta reaches node 2");
        await cluster[1].DeleteMetaAsync("config");
        await Eventually.TrueAsync(() => cluster.Registries.All(r => !r.TryGetMeta<int[]>("config", out _)), "the meta is deleted everywhere");
    }

    [Fact]
    public async Task A_holder_that_exits_loses_its_names_on_every_node()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var pid = await cluster.SpawnAsync(1);
        await cluster[1].RegisterAsync("first", pid);
        await cluster[1].RegisterAsync("second", pid);
        await cluster.EverywhereAsync("second", pid);

        await cluster.Nodes[1].StopProcessAsync(pid);

        Assert.Null(cluster[1].WhereIs("first")); // hidden at once on its node: known dead
        await Eventually.TrueAsync(() => cluster.Registries.All(r => r.Count == 0), "the names are removed from every replica");
        Assert.All(cluster.Registries, r => Assert.Empty(r.Keys(pid)));
    }

    [Fact]
    public async Task Listeners_see_registers_and_unregisters_in_order_with_pid_and_value()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var events = new List<RegistryEvent<string>>();
        using var listening = cluster[2].Listen(e => { lock (events) events.Add(e); });
        var pid = await cluster.SpawnAsync(0);

        await cluster[0].RegisterAsync("watched", pid, "x");
        await cluster[0].UpdateValueAsync("watched", pid, "y");
        await cluster[0].UnregisterAsync("watched");

        await Eventually.TrueAsync(() => { lock (events) return events.Count == 3; }, "node 2 saw three events");
        lock (events)
        {
            Assert.Equal(new RegistryEvent<string>(RegistryEventKind.Registered, "watched", pid, "x"), events[0]);
            Assert.Equal(new RegistryEvent<string>(RegistryEventKind.ValueUpdated, "watched", pid, "y"), events[1]);
            Assert.Equal(new RegistryEvent<string>(RegistryEventKind.Unregistered, "watched", pid, "y"), events[2]);
        }
    }
}
