using System.Buffers;
using System.IO.Hashing;
using MessagePack;

namespace Horde.Net.Crdt;

/// <summary>
/// Hashes a key as XxHash3 of its MessagePack encoding, so every node (and every version using the same
/// encoding) agrees. Keys must encode canonically: records and primitives do; dictionaries inside keys may not.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <param name="options">Serializer options whose resolver knows <typeparamref name="TKey"/>.</param>
public sealed class MessagePackKeyHasher<TKey>(MessagePackSerializerOptions options) : IKeyHasher<TKey>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_buffer;

    /// <summary>A hasher using <see cref="MessagePackSerializerOptions.Standard"/>.</summary>
    public static MessagePackKeyHasher<TKey> Standard { get; } = new(MessagePackSerializerOptions.Standard);

    /// <summary>The options used to encode keys.</summary>
    public MessagePackSerializerOptions Options { get; } = options;

    /// <summary>The stable hash of an encoded key.</summary>
    public static ulong HashBytes(ReadOnlySpan<byte> encodedKey) => XxHash3.HashToUInt64(encodedKey);

    /// <inheritdoc />
    public ulong Hash(TKey key)
    {
        var buffer = s_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        MessagePackSerializer.Serialize<TKey>(buffer, key, Options);
        return HashBytes(buffer.WrittenSpan);
    }
}
