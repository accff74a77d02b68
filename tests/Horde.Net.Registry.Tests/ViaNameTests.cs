using Horde.Net.Registry;

namespace Horde.Net.Registry.Tests;

public sealed class ViaNameTests
{
    [Fact]
    public async Task A_process_started_under_a_name_is_called_sent_to_and_cast_to_by_name_from_another_node()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var started = await cluster[0].StartAsync("counter", () => new Counter(10));
        Assert.True(started.IsRegistered);

        Assert.Equal(11, await cluster[1].CallAsync<int>("counter", new Add(1), TimeSpan.FromSeconds(5)));
        cluster[2].Cast("counter", new Add(2));
        await cluster[1].SendAsync("counter", new Add(0)); // an info message: the counter ignores it, delivery must not throw
        await Eventually.TrueAsync(() => cluster[2].CallAsync<int>("counter", new Get()).Result == 13, "the cast arrived");

        var second = await cluster[1].StartAsync("counter", () => new Counter());
        Assert.False(second.IsRegistered);
        Assert.Equal(started.Holder, second.Holder);
    }

    [Fact]
    public async Task A_call_to_a_name_nobody_registers_fails_with_NameNotRegistered_after_its_timeout()
    {
        await using var cluster = await RegistryCluster.StartAsync();

        var error = await Assert.ThrowsAsync<NameNotRegisteredException>(() => cluster[1].CallAsync<int>("nobody", new Get(), TimeSpan.FromMilliseconds(300)));

        Assert.Equal("nobody", error.Name);
        await Assert.ThrowsAsync<NameNotRegisteredException>(() => cluster[1].SendAsync("nobody", new Get(), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task A_call_waiting_for_a_name_reaches_the_process_that_registers_it_later()
    {
        await using var cluster = await RegistryCluster.StartAsync();

        var call = cluster[2].CallAsync<int>("late", new Get(), TimeSpan.FromSeconds(10));
        Assert.False(call.IsCompleted);
        await cluster[1].StartAsync("late", () => new Counter(7));

        Assert.Equal(7, await call);
    }

    [Fact]
    public async Task A_call_by_name_while_its_process_is_stopped_and_registered_again_on_another_node_succeeds_on_the_new_one()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var first = await cluster[0].StartAsync("mover", () => new Counter(1));
        await cluster.EverywhereAsync("mover", first.Holder);

        await cluster.Nodes[0].StopProcessAsync(first.Holder);
        var call = cluster[2].CallAsync<int>("mover", new Get(), TimeSpan.FromSeconds(10)); // finds the stale entry, or nothing: either way it waits
        await cluster.EverywhereAsync("mover", null);
        Assert.False(call.IsCompleted);
        var moved = await cluster[1].StartAsync("mover", () => new Counter(2));

        Assert.True(moved.IsRegistered);
        Assert.Equal(2, await call);
        await cluster.EverywhereAsync("mover", moved.Holder);
    }

    [Fact]
    public async Task A_register_with_a_larger_epoch_takes_the_name_and_the_old_holder_exits_with_NameConflict()
    {
        await using var cluster = await RegistryCluster.StartAsync();
        var old = await cluster.SpawnAsync(0);
        await cluster[0].RegisterAsync("child-1", old, "old", epoch: 1);
        await cluster.EverywhereAsync("child-1", old);
        var probe = await Probe.StartAsync(cluster.Nodes[0]);
        probe.Watch(old);

        var successor = await cluster.SpawnAsync(1);
        Assert.False((await cluster[1].RegisterAsync("child-1", successor, "stale", epoch: 1)).IsRegistered); // same epoch: refused
        Assert.True((await cluster[1].RegisterAsync("child-1", successor, "new", epoch: 2)).IsRegistered);

        var down = await probe.ExpectAsync<Down>();
        Assert.True(NameConflict.Is(down.Reason), down.Reason.ToString());
        Assert.Contains("child-1", down.Reason.Detail);
        await cluster.EverywhereAsync("child-1", successor);
    }
}
