using System.Buffers;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// Writes hash-tree node indexes as steps from the previous one: the differing nodes of a level come in
/// ascending order, often adjacent, so most steps take one byte.
/// </summary>
public sealed class NodeIndexesFormatter : BlobFormatter<int[]>
{
    private protected override void Encode(int[] value, IBufferWriter<byte> output)
    {
        Varint.Write(output, (ulong)value.Length);
        var previous = 0L;
        foreach (var node in value)
        {
            Varint.WriteSigned(output, node - previous);
            previous = node;
        }
    }

    private protected override int[] Decode(ref VarintReader reader)
    {
        var nodes = new int[reader.ReadCount(minBytesPerItem: 1)];
        var previous = 0L;
        for (var i = 0; i < nodes.Length; i++)
        {
            previous += reader.ReadSigned();
            nodes[i] = previous is >= int.MinValue and <= int.MaxValue ? (int)previous : throw new InvalidDataException("Node index out of range.");
        }

        return nodes;
    }
}
