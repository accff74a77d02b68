using MessagePack;
using MessagePack.Formatters;

namespace Horde.Net.Cluster;

// MessagePack formats of the node events, so that a process may forward what MonitorNodes delivered to a process on
// another node. A reason read from the wire must be one this version knows; anything else is bad data.

/// <summary>NodeUp and NodeLeaving: a node and its incarnation.</summary>
internal sealed class NodeEventFormatter<T>(string what, Func<T, (NodeName Node, ulong Incarnation)> parts, Func<NodeName, ulong, T> create)
    : IMessagePackFormatter<T?>
    where T : class
{
    public void Serialize(ref MessagePackWriter writer, T? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var (node, incarnation) = parts(value);
        writer.WriteArrayHeader(2);
        writer.Write(node.ToString());
        writer.Write(incarnation);
    }

    public T? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 2, what);
        return create(NodeName.Parse(reader.ReadString() ?? ""), reader.ReadUInt64());
    }
}

internal sealed class NodeDownFormatter : IMessagePackFormatter<NodeDown?>
{
    public void Serialize(ref MessagePackWriter writer, NodeDown? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(4);
        writer.Write(value.Node.ToString());
        writer.Write(value.Incarnation);
        writer.Write((int)value.Reason);
        writer.Write(value.Detail);
    }

    public NodeDown? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 4, "node-down");
        var node = NodeName.Parse(reader.ReadString() ?? "");
        var incarnation = reader.ReadUInt64();
        var reason = (NodeDownReason)reader.ReadInt32();
        if (!Enum.IsDefined(reason))
            throw new MessagePackSerializationException($"A node-down with an unknown reason {(int)reason}.");
        return new NodeDown(node, incarnation, reason, reader.ReadString() ?? "");
    }
}
