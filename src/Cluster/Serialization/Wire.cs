using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace Horde.Net.Cluster;

/// <summary>Serializer options that know the node reading, so that pids in messages come out bound to it.</summary>
internal sealed class WireOptions : MessagePackSerializerOptions
{
    public WireOptions(MessagePackSerializerOptions copyFrom, Node node)
        : base(copyFrom) => Node = node;

    private WireOptions(WireOptions copyFrom)
        : base(copyFrom) => Node = copyFrom.Node;

    public Node Node { get; }

    protected override MessagePackSerializerOptions Clone() => new WireOptions(this);
}

/// <summary>MessagePack settings of the wire: the runtime's formatters, attribute-based formatters, untrusted-data limits.</summary>
internal static class Wire
{
    /// <summary>The formatters of the runtime's own types (pids, node names, exit reasons, monitors, node events).</summary>
    internal static readonly IMessagePackFormatter[] Formatters =
        [new PidFormatter(), new NodeNameFormatter(), new ExitReasonFormatter(), new MonitorRefFormatter(), new DownFormatter(), new ExitFormatter(),
            new NodeEventFormatter<NodeUp>("node-up", e => (e.Node, e.Incarnation), (n, i) => new NodeUp(n, i)),
            new NodeEventFormatter<NodeLeaving>("node-leaving", e => (e.Node, e.Incarnation), (n, i) => new NodeLeaving(n, i)),
            new NodeDownFormatter()];

    private static readonly IFormatterResolver Resolver = CompositeResolver.Create(Formatters, [StandardResolver.Instance]);

    /// <summary>Untrusted-data security bounds nesting depth and hardens hash collections against collision attacks.</summary>
    public static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(Resolver)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static void ExpectArray(ref MessagePackReader reader, int length, string what)
    {
        var actual = reader.ReadArrayHeader();
        if (actual != length)
            throw new MessagePackSerializationException($"A {what} must be an array of {length}, not {actual}.");
    }
}
