using Horde.Net.Crdt.Sync;
using MessagePack;

namespace Horde.Net.Crdt.Storage;

/// <summary>A replica's persisted state: identity, counters, clock, context and every live entry.</summary>
/// <param name="ReplicaId">The replica id the state was written under.</param>
/// <param name="Counter">The last dot counter that id used.</param>
/// <param name="ClockPhysical">Clock reading, physical part.</param>
/// <param name="ClockLogical">Clock reading, logical part.</param>
/// <param name="ReusableId">
/// True only for a snapshot written when the replica closed: no dot of <paramref name="ReplicaId"/> can exist
/// beyond <paramref name="Counter"/>, so a restore may keep the id. Any other snapshot may be older than the
/// last write shipped, and a restore takes a new id (keeping the state) so it can never reuse a dot.
/// </param>
/// <param name="Context">The causal context.</param>
/// <param name="Keys">Every key with its live entries.</param>
[MessagePackObject]
public sealed record ReplicaSnapshot(
    [property: Key(0)] ulong ReplicaId,
    [property: Key(1)] ulong Counter,
    [property: Key(2)] long ClockPhysical,
    [property: Key(3)] uint ClockLogical,
    [property: Key(4)] bool ReusableId,
    [property: Key(5)] WireContext Context,
    [property: Key(6)] WireKey[] Keys);
