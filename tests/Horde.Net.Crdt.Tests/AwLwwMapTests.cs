using Horde.Net.Crdt;

namespace Horde.Net.Crdt.Tests;

public class AwLwwMapTests
{
    private static AwLwwMap<string, int> NewMap(ulong id) => new(id, MessagePackKeyHasher<string>.Standard);

    [Fact]
    public void Put_get_remove_on_one_replica()
    {
        var map = NewMap(1);
        var diffs = new List<Diff<string, int>>();
        map.Put("a", 1, 10, diffs);
        map.Put("a", 2, 11, diffs);
        Assert.True(map.TryGetValue("a", out var value));
        Assert.Equal(2, value);
        Assert.Single(map.EntriesOf("a"));

        var delta = map.Remove("a", diffs);
        Assert.NotNull(delta);
        Assert.Equal([new Dot(1, 2)], delta.Dead);
        Assert.False(map.TryGetValue("a", out _));
        Assert.Null(map.Remove("a"));
        Assert.Equal(
            [new(DiffKind.Add, "a", 1), new(DiffKind.Add, "a", 2), new(DiffKind.Remove, "a", 0)],
            diffs);
        Assert.Equal(0UL, map.Tree.Root);
    }

    [Fact]
    public void Concurrent_puts_resolve_to_the_newest_timestamp_on_both_replicas()
    {
        var a = NewMap(1);
        var b = NewMap(2);
        var da = a.Put("k", 1, 100);
        var db = b.Put("k", 2, 100); // same millisecond: replica id 2 wins the tie
        a.Apply(db);
        b.Apply(da);

        Assert.True(a.TryGetValue("k", out var va));
        Assert.True(b.TryGetValue("k", out var vb));
        Assert.Equal(2, va);
        Assert.Equal(2, vb);
        Assert.Equal(2, a.EntriesOf("k").Count);
        Assert.Equal(a.Tree.Root, b.Tree.Root);
    }

    [Fact]
    public void A_concurrent_put_survives_a_remove_that_did_not_see_it()
    {
        var a = NewMap(1);
        var b = NewMap(2);
        b.Apply(a.Put("k", 1, 100));
        var remove = b.Remove("k")!;
        var put = a.Put("k", 5, 101);
        a.Apply(remove);
        b.Apply(put);

        Assert.True(a.TryGetValue("k", out var va));
        Assert.True(b.TryGetValue("k", out var vb));
        Assert.Equal(5, va);
        Assert.Equal(5, vb);
        Assert.True(a.StateEquals(b));
    }

    [Fact]
    public void A_delta_whose_entry_was_already_removed_here_is_reported_dead_and_not_resurrected()
    {
        var a = NewMap(1);
        var b = NewMap(2);
        var put = a.Put("k", 1, 100);
        b.Apply(put);
        b.Remove("k");
        var dead = new List<Dot>();
        Assert.False(b.Apply(put, null, dead));
        Assert.False(b.TryGetValue("k", out _));
        Assert.Equal([put.Entries[0].Dot], dead);
    }

    [Fact]
    public void Restore_resumes_the_counter_and_clock()
    {
        var a = NewMap(1);
        a.Put("x", 1, 1_000);
        a.Put("y", 2, 1_000);
        var copy = a.Clone();
        var delta = copy.Put("z", 3, 5);
        Assert.Equal(new Dot(1, 3), delta.Entries[0].Dot);
        Assert.True(delta.Entries[0].Timestamp > a.Clock.Last);
    }
}
