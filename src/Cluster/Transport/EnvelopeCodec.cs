using MessagePack;

namespace Horde.Net.Cluster.Transport;

/// <summary>
/// Writes envelopes into a batch: a MessagePack sequence of [kind, fields..., type id, payload]. Payloads are
/// serialized by their registered type; a payload that fails to serialize is reported and left out, not sent half-written.
/// </summary>
internal sealed class EnvelopeCodec(MessageTypeRegistry types, MessagePackSerializerOptions options)
{
    public MessagePackSerializerOptions Options { get; } = options;

    /// <summary>Serializes a payload with its type id; throws <see cref="UnregisteredMessageTypeException"/> for an unregistered type.</summary>
    public (int TypeId, byte[] Bytes) SerializePayload(object? payload)
    {
        if (payload is null)
            return (0, []);
        var type = payload.GetType();
        if (!types.TryGetId(type, out var id))
            throw new UnregisteredMessageTypeException(type);
        return (id, MessagePackSerializer.Serialize(type, payload, Options));
    }

    public static void Write(ref MessagePackWriter writer, in Outgoing item, int typeId, byte[] payload)
    {
        writer.Write((byte)item.Kind);
        switch (item.Kind)
        {
            case WireKind.Cast or WireKind.Info:
                writer.Write(item.Target);
                WritePayload(ref writer, typeId, payload);
                break;
            case WireKind.Call:
                writer.Write(item.Target);
                writer.Write(item.CallId);
                WritePayload(ref writer, typeId, payload);
                break;
            case WireKind.TracedCall:
                writer.Write(item.Target);
                writer.Write(item.CallId);
                writer.Write(item.Text);
                WritePayload(ref writer, typeId, payload);
                break;
            case WireKind.Reply:
                writer.Write(item.CallId);
                WritePayload(ref writer, typeId, payload);
                break;
            case WireKind.ReplyError:
                writer.Write(item.CallId);
                writer.Write(item.Target); // the callee's serial
                writer.Write((byte)item.From);
                writer.Write(item.Reason?.Kind);
                writer.Write(item.Reason?.Detail);
                writer.Write(item.Text);
                break;
            case WireKind.ExitSignal:
                writer.Write(item.Target);
                writer.Write(item.From);
                writer.Write(item.Reason!.Kind);
                writer.Write(item.Reason.Detail);
                writer.Write(item.Flag);
                break;
            case WireKind.Link or WireKind.Unlink:
                writer.Write(item.Target);
                writer.Write(item.From);
                break;
            case WireKind.Monitor or WireKind.Demonitor:
                writer.Write(item.Target);
                writer.Write(item.From);
                writer.Write(item.CallId); // the monitor id
                break;
            case WireKind.WhereIs:
                writer.Write(item.CallId);
                writer.Write(item.Text);
                break;
            case WireKind.WhereIsReply:
                writer.Write(item.CallId);
                writer.Write(item.Target);
                break;
            default:
                throw new InvalidOperationException($"Unknown wire kind {item.Kind}.");
        }
    }

    private static void WritePayload(ref MessagePackWriter writer, int typeId, byte[] payload)
    {
        writer.Write(typeId);
        if (typeId == 0)
            writer.WriteNil();
        else
            writer.WriteRaw(payload);
    }

    /// <summary>Reads a payload: a registered type id and its MessagePack; an unknown id is a protocol violation.</summary>
    public object? ReadPayload(ref MessagePackReader reader)
    {
        var typeId = reader.ReadInt32();
        if (typeId == 0)
        {
            reader.Skip();
            return null;
        }
        if (!types.TryGetType(typeId, out var type))
            throw new ProtocolViolationException($"unknown message type id {typeId} (register the type on every node)");
        return MessagePackSerializer.Deserialize(type, ref reader, Options);
    }
}
