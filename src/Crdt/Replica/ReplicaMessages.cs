using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;
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

/// <summary>
/// Tells a named replica on another node that <paramref name="Sender"/> is the replica of the same name on its node
/// (sent when a named replica finds another, so both count each other as members without waiting for a node event).
/// </summary>
/// <param name="Name">The replica's name.</param>
/// <param name="Sender">The replica's process.</param>
[MessagePackObject]
public sealed record ReplicaAnnounce([property: Key(0)] string Name, [property: Key(1)] Pid Sender);

/// <summary>The message types replicas send between nodes; register them on every node.</summary>
public static class CrdtMessageTypes
{
    /// <summary>Adds the replica protocol's types to <paramref name="types"/>.</summary>
    public static MessageTypeRegistry AddCrdt(this MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        return types.Add<ReplicaEnvelope>().Add<ReplicaHello>().Add<ReplicaAnnounce>();
    }
}

internal sealed record ReplicaTick;

/// <summary>Ships the deltas queued by the writes handled since the last one (see ReplicaProcess.RequestFlush).</summary>
internal sealed record ReplicaFlush
{
    public static readonly ReplicaFlush Instance = new();
}

/// <summary>A write run on the replica's process: returns whether it wrote, and waits for <paramref name="Level"/>.</summary>
internal sealed record ReplicaWrite<TKey, TValue>(Func<ReplicaCore<TKey, TValue>, bool> Apply, WriteLevel Level, TimeSpan Timeout)
    where TKey : notnull;

internal sealed record ReplicaNeighbours(Pid[] Pids);

internal sealed record ReplicaSubscribe<TKey, TValue>(Action<IReadOnlyList<Diff<TKey, TValue>>> Handler);

/// <summary>The result of looking up the replica of this name on <paramref name="Node"/>.</summary>
internal sealed record ReplicaFound(NodeName Node, Pid? Pid);
