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
}
