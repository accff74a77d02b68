using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Crdt;

/// <summary>One sync message between replica processes, encoded with <c>SyncMessageSerializer</c>.</summary>
/// <param name="From">The sending replica's id.</param>
/// <param name="Sender">The sending replica's process, so the receiver can answer.</param>
/// <param name="Message">The encoded <c>SyncMessage</c>.</param>
[MessagePackObject]
public sealed record ReplicaEnvelope([property: Key(0)] ulong From, [property: Key(1)] Pid Sender, [property: Key(2)] byte[] Message);

/// <summary>Introduces a replica to a neighbour: its id and process. <paramref name="Answer"/> asks for an introduction back.</summary>
/// <param name="ReplicaId">The replica's id.</param>
/// <param name="Sender">The replica's process.</param>
/// <param name="Answer">Whether the receiver should introduce itself in return.</param>
[MessagePackObject]
public sealed record ReplicaHello([property: Key(0)] ulong ReplicaId, [property: Key(1)] Pid Sender, [property: Key(2)] bool Answer);

/// <summary>The message types replicas send between nodes; register them on every node.</summary>
public static class CrdtMessageTypes
{
    /// <summary>Adds the replica protocol's types to <paramref name="types"/>.</summary>
    public static MessageTypeRegistry AddCrdt(this MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types.Add<ReplicaEnvelope>().Add<ReplicaHello>();
    }
}

internal sealed record ReplicaTick;
internal sealed record ReplicaWrite(Action Apply);
internal sealed record ReplicaNeighbours(Pid[] Pids);
