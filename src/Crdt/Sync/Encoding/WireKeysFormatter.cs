using System.Buffers;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>Writes a list of key deltas as one compressed column block (see <c>KeyBlock</c>).</summary>
public sealed class WireKeysFormatter : BlobFormatter<WireKey[]>
{
    private protected override void Encode(WireKey[] value, IBufferWriter<byte> output) => output.Write(KeyBlock.Encode(value));

    private protected override WireKey[] Decode(ref VarintReader reader) => KeyBlock.Decode(reader.ReadBytes(reader.Remaining));
}
