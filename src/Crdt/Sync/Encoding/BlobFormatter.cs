using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// Writes a value as one MessagePack binary in a compact layout of its own (null stays nil), so a message keeps
/// its MessagePack shape while its bulky parts use an encoding that knows their structure.
/// </summary>
/// <typeparam name="T">The encoded type.</typeparam>
public abstract class BlobFormatter<T> : IMessagePackFormatter<T?>
    where T : class
{
    /// <inheritdoc />
    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }

        var output = new ArrayBufferWriter<byte>();
        Encode(value, output);
        writer.Write(output.WrittenSpan);
    }

    /// <inheritdoc />
    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var bytes = DeclaredBytes.Read(ref reader, typeof(T).Name);
        var blob = new VarintReader(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());
        var value = Decode(ref blob);
        return blob.Remaining == 0 ? value : throw new InvalidDataException($"Trailing bytes after {typeof(T).Name}.");
    }

    /// <summary>Writes <paramref name="value"/>.</summary>
    private protected abstract void Encode(T value, IBufferWriter<byte> output);

    /// <summary>Reads a value, consuming all of <paramref name="reader"/>; throws <see cref="InvalidDataException"/> on bad input.</summary>
    private protected abstract T Decode(ref VarintReader reader);
}
