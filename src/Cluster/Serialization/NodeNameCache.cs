using System.Text;
using MessagePack;

namespace Horde.Net.Cluster;

/// <summary>
/// The node names a pid formatter has written or read lately, with their UTF-8 text: every pid in a message carries
/// its node's name as text, and a cluster has a handful of nodes, so formatting and parsing that text for every pid
/// (two strings and a parse per pid read, a string per pid written) is work done again and again for the same few
/// names. The wire format is unchanged. Safe for concurrent use: the table is replaced, never changed, and bounded, so
/// a stream of made-up names cannot grow it.
/// </summary>
internal sealed class NodeNameCache
{
    private const int Capacity = 32;

    private Known[] _known = [];

    /// <summary>The UTF-8 text of <paramref name="node"/>.</summary>
    public ReadOnlySpan<byte> Utf8(NodeName node)
    {
        foreach (var known in _known)
        {
            if (known.Node == node)
                return known.Utf8;
        }
        var utf8 = Encoding.UTF8.GetBytes(node.ToString());
        Remember(new Known(node, utf8));
        return utf8;
    }

    /// <summary>Reads a node name's text; a name seen lately is matched on its bytes, not parsed again.</summary>
    /// <exception cref="FormatException">The text is not a node name.</exception>
    public NodeName Read(ref MessagePackReader reader)
    {
        if (reader.TryReadStringSpan(out var span))
            return Find(span);
        var sequence = reader.ReadStringSequence(); // nil, or text split across buffer segments
        return sequence is null ? NodeName.Parse("") : Find(System.Buffers.BuffersExtensions.ToArray(sequence.Value));
    }

    private NodeName Find(ReadOnlySpan<byte> utf8)
    {
        foreach (var known in _known)
        {
            if (utf8.SequenceEqual(known.Utf8))
                return known.Node;
        }
        var node = NodeName.Parse(Encoding.UTF8.GetString(utf8));
        Remember(new Known(node, utf8.ToArray()));
        return node;
    }

    private void Remember(Known known)
    {
        var table = _known;
        // Full: start again rather than evict one by one; a cluster's own names come back at once.
        _known = table.Length >= Capacity ? [known] : [.. table, known];
    }

    private sealed record Known(NodeName Node, byte[] Utf8);
}
