using MessagePack;
using MessagePack.Resolvers;

namespace Horde.Net.Cluster;

/// <summary>
/// MessagePack options for application data that holds the runtime's types (pids, node names, exit reasons): for
/// values stored in replicated maps, files or caches. A pid read with them is bound to the node given, so it can be
/// called at once.
/// </summary>
public static class HordeSerializer
{
    /// <summary>
    /// Options that know Horde.Net's types, then <paramref name="userResolver"/>'s, then MessagePack's standard ones
    /// (attribute-based objects, primitives, collections), with untrusted-data security.
    /// </summary>
    /// <param name="node">The node pids read with these options are bound to.</param>
    /// <param name="userResolver">The application's own formatters, if any (e.g. a source-generated resolver).</param>
    public static MessagePackSerializerOptions OptionsFor(Node node, IFormatterResolver? userResolver = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        IFormatterResolver[] resolvers = userResolver is null ? [StandardResolver.Instance] : [userResolver, StandardResolver.Instance];
        var options = MessagePackSerializerOptions.Standard
            .WithResolver(CompositeResolver.Create(Wire.Formatters, resolvers))
            .WithSecurity(MessagePackSecurity.UntrustedData);
        return new WireOptions(options, node);
    }
}
