using Horde.Net.Cluster;
using Horde.Net.Crdt;
using MessagePack;

namespace Horde.Net.Registry;

/// <summary>Asks the registry on a name holder's node to unregister it there (only the owner removes a live holder's name).</summary>
/// <param name="Name">The name.</param>
/// <param name="Holder">Only if this process holds it; any holder if null.</param>
[MessagePackObject]
public sealed record RegistryUnregisterRequest([property: Key(0)] string Name, [property: Key(1)] Pid? Holder);

/// <summary>The message types registries send between nodes; register them on every node.</summary>
public static class RegistryMessageTypes
{
    /// <summary>Adds the registry's and the replica's types to <paramref name="types"/>.</summary>
    public static MessageTypeRegistry AddRegistry(this MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types.AddCrdt().Add<RegistryUnregisterRequest>();
    }
}

internal sealed record RegistryWatch(Pid Pid);

internal sealed record RegistryLost(string Name, Pid Loser);

internal sealed record RegistryNodeExpired(NodeName Node, ulong Incarnation);

internal sealed record RegistryMembersCheck;
