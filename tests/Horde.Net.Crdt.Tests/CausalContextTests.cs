using Horde.Net.Crdt;

namespace Horde.Net.Crdt.Tests;

public class CausalContextTests
{
    [Fact]
    public void Dots_seen_out_of_order_sit_in_the_cloud_until_the_gap_is_filled()
    {
        var context = new CausalContext();
        context.Add(new Dot(7, 1));
        context.Add(new Dot(7, 3));
        context.Add(new Dot(7, 4));

        Assert.Equal(1UL, context.VersionVector[7]);
        Assert.Equal(2, context.CloudCount);
        Assert.False(context.Contains(new Dot(7, 2)));
        Assert.True(context.Contains(new Dot(7, 4)));

        context.Add(new Dot(7, 2));

        Assert.Equal(4UL, context.VersionVector[7]);
        Assert.Equal(0, context.CloudCount);
        Assert.Equal(4UL, context.MaxCounter(7));
    }

    [Fact]
    public void Union_compacts_and_digest_tracks_content_not_insertion_order()
    {
        var a = new CausalContext();
        var b = new CausalContext();
        foreach (var c in new ulong[] { 1, 2, 5 })
        {
            a.Add(new Dot(1, c));
        }

        foreach (var c in new ulong[] { 5, 3, 4, 2, 1 })
        {
            b.Add(new Dot(1, c));
        }

        Assert.NotEqual(a.Digest(), b.Digest());
        Assert.True(a.UnionWith(b));
        Assert.True(a.SetEquals(b));
        Assert.Equal(a.Digest(), b.Digest());
        Assert.Equal(0, a.CloudCount);
        Assert.False(a.UnionWith(b));
    }

    [Fact]
    public void Dots_seen_in_random_order_fold_into_the_prefix_once_the_gaps_close()
    {
        // A fresh replica repaired in hash order: one writer's counters 1..n in a random order, across word boundaries.
        var counters = Enumerable.Range(1, 1_000).Select(c => (ulong)c).OrderBy(c => Hashing.Finalize(c)).ToArray();
        var context = new CausalContext();
        var seen = new HashSet<ulong>();
        foreach (var c in counters)
        {
            Assert.True(context.Add(new Dot(7, c)));
            Assert.False(context.Add(new Dot(7, c)));
            seen.Add(c);
            var prefix = context.VersionVector.GetValueOrDefault(7UL);
            Assert.Equal(seen.Count, (int)prefix + context.CloudCount);
            Assert.True(Enumerable.Range(1, (int)prefix).All(p => seen.Contains((ulong)p)), "the prefix holds only dots seen");
            Assert.False(seen.Contains(prefix + 1), "the prefix stops only at a gap");
        }

        Assert.Equal(1_000UL, context.VersionVector[7]);
        Assert.Equal(0, context.CloudCount);
        Assert.Equal(1_000UL, context.MaxCounter(7));
        Assert.Empty(context.Cloud);
    }

    [Fact]
    public void A_union_drops_cloud_dots_the_other_prefix_covers_and_keeps_those_beyond()
    {
        var a = new CausalContext();
        foreach (var c in new ulong[] { 3, 63, 64, 65, 130, 200 })
        {
            a.Add(new Dot(1, c));
        }

        var b = new CausalContext();
        b.SetPrefix(1, 64);
        Assert.True(a.UnionWith(b));

        Assert.Equal(65UL, a.VersionVector[1]); // 1..64 from b, then 65 folded in from the cloud
        Assert.Equal(new ulong[] { 130, 200 }, a.Cloud.Select(d => d.Counter).Order());
        Assert.Equal(2, a.CloudCount);
        Assert.Equal(200UL, a.MaxCounter(1));
        Assert.True(a.Contains(new Dot(1, 130)) && !a.Contains(new Dot(1, 131)));
    }
}
