using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Encodes and decodes <see cref="SyncMessage"/>s for a transport: standard resolver (no typeless), untrusted-data
/// security, LZ4 block compression (entries repeat replica ids and timestamps, so it pays).
/// </summary>
public static class SyncMessageSerializer
{
    /// <summary>The options used.</summary>
    public static MessagePackSerializerOptions Options { get; } = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData)
        .WithCompression(MessagePackCompression.Lz4BlockArray);

    /// <summary>Encodes a message.</summary>
    public static byte[] Serialize(SyncMessage message)
    {
        var bytes = MessagePackSerializer.Serialize(message, Options);
        CrdtMetrics.BytesSent.Add(bytes.Length);
        return bytes;
    }

    /// <summary>Decodes a message; throws <see cref="T:MessagePack.MessagePackSerializationException"/> on bad input.</summary>
    public static SyncMessage Deserialize(ReadOnlyMemory<byte> bytes)
    {
        CrdtMetrics.BytesReceived.Add(bytes.Length);
        return MessagePackSerializer.Deserialize<SyncMessage>(bytes, Options)
            ?? throw new MessagePackSerializationException("Null sync message.");
    }
}
