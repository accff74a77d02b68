using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

public class SparseTopologyTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(200)]
    public void Neighbours_are_symmetric_logarithmic_and_connect_everyone(int n)
    {
        var random = new Random(n);
        var members = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64(1, long.MaxValue)).ToArray();
        var graph = members.ToDictionary(m => m, m => SparseTopology.Neighbours(m, members.Reverse()));

        foreach (var (member, neighbours) in graph)
        {
            Assert.DoesNotContain(member, neighbours);
            Assert.All(neighbours, other => Assert.Contains(member, graph[other]));
            Assert.InRange(neighbours.Count, 1, 2 * (int)Math.Ceiling(Math.Log2(n)));
        }

        var reached = new HashSet<ulong> { members[0] };
        var frontier = new Queue<ulong>(reached);
        while (frontier.TryDequeue(out var next))
        {
            foreach (var other in graph[next].Where(reached.Add))
            {
                frontier.Enqueue(other);
            }
        }

        Assert.Equal(n, reached.Count);
    }
}
