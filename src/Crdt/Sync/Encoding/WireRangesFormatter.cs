using System.Buffers;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// Writes hash ranges relative to hash-tree leaves: a range is its leaf (as a step from the previous range's
/// leaf), its start's offset into that leaf, how many leaves it spans and how far its end stops short of that
/// leaf's end. A whole leaf, the usual range, takes four bytes instead of eighteen.
/// </summary>
public sealed class WireRangesFormatter : BlobFormatter<WireRange[]>
{
    private const ulong WithinLeaf = ulong.MaxValue >> HashTree.LeafBits;

    private protected override void Encode(WireRange[] value, IBufferWriter<byte> output)
    {
        Varint.Write(output, (ulong)value.Length);
        var previousLeaf = 0L;
        foreach (var range in value)
        {
            ArgumentNullException.ThrowIfNull(range);
            var lowLeaf = (long)HashTree.LeafOf(range.Low);
            Varint.WriteSigned(output, lowLeaf - previousLeaf);
            Varint.Write(output, range.Low & WithinLeaf);
            Varint.WriteSigned(output, HashTree.LeafOf(range.High) - lowLeaf);
            Varint.Write(output, WithinLeaf - (range.High & WithinLeaf));
            previousLeaf = lowLeaf;
        }
    }

    private protected override WireRange[] Decode(ref VarintReader reader)
    {
        var ranges = new WireRange[reader.ReadCount(minBytesPerItem: 4)];
        var previousLeaf = 0L;
        for (var i = 0; i < ranges.Length; i++)
        {
            var lowLeaf = previousLeaf + reader.ReadSigned();
            var lowOffset = reader.Read();
            var highLeaf = lowLeaf + reader.ReadSigned();
            var highShort = reader.Read();
            if (lowLeaf is < 0 or >= HashTree.LeafCount || highLeaf is < 0 or >= HashTree.LeafCount || lowOffset > WithinLeaf || highShort > WithinLeaf)
            {
                throw new InvalidDataException("Range out of the hash space.");
            }

            ranges[i] = new WireRange(HashTree.LeafLow((int)lowLeaf) | lowOffset, HashTree.LeafLow((int)highLeaf) | (WithinLeaf - highShort));
            previousLeaf = lowLeaf;
        }

        return ranges;
    }
}
