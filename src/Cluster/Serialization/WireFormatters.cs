using MessagePack;
using MessagePack.Formatters;

namespace Horde.Net.Cluster;

// MessagePack formats of the runtime's own types. They live here, not on the types, so that the process layer does not
// depend on the wire format. A pid read from the wire is bound to the node that reads it.

internal sealed class PidFormatter : IMessagePackFormatter<Pid?>
{
    private readonly NodeNameCache _names = new();

    public void Serialize(ref MessagePackWriter writer, Pid? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(3);
        writer.WriteString(_names.Utf8(value.Node));
        writer.Write(value.Incarnation);
        writer.Write(value.Serial);
    }

    public Pid? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 3, "pid");
        var node = _names.Read(ref reader);
        var incarnation = reader.ReadUInt64();
        var serial = reader.ReadInt64();
        return options is WireOptions wire ? wire.Node.Resolve(node, incarnation, serial) : new Pid(node, incarnation, serial);
    }
}

internal sealed class NodeNameFormatter : IMessagePackFormatter<NodeName>
{
    public void Serialize(ref MessagePackWriter writer, NodeName value, MessagePackSerializerOptions options) =>
        writer.Write(value.ToString());

    public NodeName Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        NodeName.Parse(reader.ReadString() ?? "");
}

internal sealed class ExitReasonFormatter : IMessagePackFormatter<ExitReason?>
{
    public void Serialize(ref MessagePackWriter writer, ExitReason? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(2);
        writer.Write(value.Kind);
        writer.Write(value.Detail);
    }

    public ExitReason? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 2, "exit reason");
        var kind = reader.ReadString();
        var detail = reader.ReadString();
        return ExitReason.Custom(string.IsNullOrWhiteSpace(kind) ? "unknown" : kind, detail);
    }
}

internal sealed class MonitorRefFormatter : IMessagePackFormatter<MonitorRef?>
{
    public void Serialize(ref MessagePackWriter writer, MonitorRef? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var pids = options.Resolver.GetFormatterWithVerify<Pid?>();
        writer.WriteArrayHeader(3);
        pids.Serialize(ref writer, value.Watcher, options);
        pids.Serialize(ref writer, value.Target, options);
        writer.Write(value.Id);
    }

    public MonitorRef? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 3, "monitor");
        var pids = options.Resolver.GetFormatterWithVerify<Pid?>();
        var watcher = pids.Deserialize(ref reader, options) ?? throw new MessagePackSerializationException("A monitor without a watcher.");
        var target = pids.Deserialize(ref reader, options) ?? throw new MessagePackSerializationException("A monitor without a target.");
        return new MonitorRef(watcher, target, reader.ReadInt64());
    }
}

internal sealed class DownFormatter : IMessagePackFormatter<Down?>
{
    public void Serialize(ref MessagePackWriter writer, Down? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(3);
        options.Resolver.GetFormatterWithVerify<MonitorRef?>().Serialize(ref writer, value.Ref, options);
        options.Resolver.GetFormatterWithVerify<Pid?>().Serialize(ref writer, value.Pid, options);
        options.Resolver.GetFormatterWithVerify<ExitReason?>().Serialize(ref writer, value.Reason, options);
    }

    public Down? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 3, "down");
        var monitor = options.Resolver.GetFormatterWithVerify<MonitorRef?>().Deserialize(ref reader, options);
        var pid = options.Resolver.GetFormatterWithVerify<Pid?>().Deserialize(ref reader, options);
        var reason = options.Resolver.GetFormatterWithVerify<ExitReason?>().Deserialize(ref reader, options);
        return monitor is null || pid is null || reason is null
            ? throw new MessagePackSerializationException("An incomplete down message.")
            : new Down(monitor, pid, reason);
    }
}

internal sealed class ExitFormatter : IMessagePackFormatter<Exit?>
{
    public void Serialize(ref MessagePackWriter writer, Exit? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(2);
        options.Resolver.GetFormatterWithVerify<Pid?>().Serialize(ref writer, value.From, options);
        options.Resolver.GetFormatterWithVerify<ExitReason?>().Serialize(ref writer, value.Reason, options);
    }

    public Exit? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
            return null;
        Wire.ExpectArray(ref reader, 2, "exit");
        var from = options.Resolver.GetFormatterWithVerify<Pid?>().Deserialize(ref reader, options);
        var reason = options.Resolver.GetFormatterWithVerify<ExitReason?>().Deserialize(ref reader, options)
            ?? throw new MessagePackSerializationException("An exit without a reason.");
        return new Exit(from, reason);
    }
}
