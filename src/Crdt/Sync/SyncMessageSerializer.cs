using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Encodes and decodes <see cref="SyncMessage"/>s for a transport: standard resolver (no typeless), untrusted-data
/// security. Keys and values are compressed inside the message, column by column (<c>KeyBlock</c>); the rest is
/// hashes and small numbers, which gain nothing from compression.
/// </summary>
public static class SyncMessageSerializer
{
    /// <summary>The options used.</summary>
    public static MessagePackSerializerOptions Options { get; } = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>Encodes a message.</summary>
    public static byte[] Serialize(SyncMessage message)
    {
        return MessagePackSerializer.Serialize(message, Options);
    }

    /// <summary>Decodes a message; throws <see cref="T:MessagePack.MessagePackSerializationException"/> on bad input.</summary>
    public static SyncMessage Deserialize(ReadOnlyMemory<byte> bytes)
    {
        return MessagePackSerializer.Deserialize<SyncMessage>(bytes, Options)
            ?? throw new MessagePackSerializationException("Null sync message.");
    }
}
