using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// Writes <see cref="WireKeys"/> as one MessagePack binary holding its column block (see <c>KeyBlock</c>); reading
/// decodes and checks the whole block, so a malformed one fails the message's deserialization.
/// </summary>
public sealed class WireKeysFormatter : IMessagePackFormatter<WireKeys?>
{
    /// <inheritdoc />
    public void Serialize(ref MessagePackWriter writer, WireKeys? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        writer.Write(value.Block);
    }

    /// <inheritdoc />
    public WireKeys? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var bytes = DeclaredBytes.Read(ref reader, "key block");
        return new WireKeys(KeyBlock.Decode(bytes.IsSingleSegment ? bytes.FirstSpan : BuffersExtensions.ToArray(bytes)));
    }
}
