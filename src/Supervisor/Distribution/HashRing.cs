using System.IO.Hashing;
using System.Text;
using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

/// <summary>
/// A consistent-hash ring with virtual nodes. Stable by contract, on every node and every version: a member's points are
/// <c>XxHash64(UTF-8("{node}#{i}"), seed 0)</c> for i in [0, virtualNodes), where {node} is the node's full name
/// (<see cref="NodeName.ToString"/>); a child's point is <c>XxHash64(UTF-8(id), seed 0)</c>; its owner is the member
/// with the first point at or after it, wrapping around (ties to the smaller node name).
/// </summary>
public sealed class HashRing
{
    private readonly ulong[] _points;
    private readonly NodeName[] _owners;

    /// <summary>Builds the ring of <paramref name="members"/> with <paramref name="virtualNodes"/> points each.</summary>
    public HashRing(IEnumerable<NodeName> members, int virtualNodes = 128)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodes, 1);
        Members = [.. members.Distinct().Order()];
        var points = new List<(ulong Point, NodeName Node)>(Members.Count * virtualNodes);
        foreach (var member in Members)
        {
            for (var i = 0; i < virtualNodes; i++)
                points.Add((Hash($"{member}#{i}"), member));
        }
        points.Sort((a, b) => a.Point != b.Point ? a.Point.CompareTo(b.Point) : a.Node.CompareTo(b.Node));
        _points = [.. points.Select(p => p.Point)];
        _owners = [.. points.Select(p => p.Node)];
    }

    /// <summary>The members on the ring, sorted.</summary>
    public IReadOnlyList<NodeName> Members { get; }

    /// <summary>The stable hash of <paramref name="key"/>: XxHash64 of its UTF-8 bytes, seed 0.</summary>
    public static ulong Hash(string key) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key));

    /// <summary>The member owning <paramref name="key"/>, or null for an empty ring.</summary>
    public NodeName? Owner(string key)
    {
        if (_points.Length == 0)
            return null;
        var index = Array.BinarySearch(_points, Hash(key));
        if (index < 0)
            index = ~index;
        else
            while (index > 0 && _points[index - 1] == _points[index])
                index--;
        return _owners[index == _points.Length ? 0 : index];
    }
}
