using Horde.Net.Crdt.Sync.Encoding;
using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// A message between two replicas of one map. The set of kinds is closed (a MessagePack union), so a host
/// registers this one type with its transport. Keys and values travel as MessagePack-encoded byte arrays
/// (encoded with the replica's <see cref="ReplicaOptions.SerializerOptions"/>), which keeps the messages
/// non-generic: the transport never needs to know the map's key or value types.
/// </summary>
[Union(0, typeof(DeltaBatch))]
[Union(1, typeof(DeltaAck))]
[Union(2, typeof(TreeRoot))]
[Union(3, typeof(TreeLevel))]
[Union(4, typeof(RangePush))]
[Union(5, typeof(RangeReply))]
[Union(6, typeof(Repair))]
[Union(7, typeof(ContextShare))]
public abstract record SyncMessage;

/// <summary>Deltas shipped as they happen; numbered per sender and receiver so the receiver can acknowledge them.</summary>
/// <param name="FirstSeq">Sequence number of the first key delta; the rest follow contiguously.</param>
/// <param name="Keys">Key-scoped deltas.</param>
/// <param name="SenderNeighbours">
/// The sender's neighbours when it sent the batch (null from a sender that does not say): the sender ships its news to
/// each of them itself, so the receiver forwards what is news to it only to its other neighbours. In a full mesh that
/// halves the traffic a write causes; a neighbour the sender's delta did not reach after all (its queue overflowed, the
/// sender died) is covered by anti-entropy, as a lost forward is.
/// </param>
[MessagePackObject]
public sealed record DeltaBatch(
    [property: Key(0)] ulong FirstSeq,
    [property: Key(1), MessagePackFormatter(typeof(WireKeysFormatter))] WireKeys Keys,
    [property: Key(2)] ulong[]? SenderNeighbours = null) : SyncMessage;

/// <summary>Acknowledges the deltas numbered <paramref name="FirstSeq"/> to <paramref name="LastSeq"/>.</summary>
/// <param name="FirstSeq">First acknowledged sequence number.</param>
/// <param name="LastSeq">Last acknowledged sequence number.</param>
[MessagePackObject]
public sealed record DeltaAck([property: Key(0)] ulong FirstSeq, [property: Key(1)] ulong LastSeq) : SyncMessage;

/// <summary>Opens an anti-entropy round: the sender's root hash and context digest. All an idle round costs.</summary>
/// <param name="Root">Root of the sender's hash tree.</param>
/// <param name="ContextDigest">Digest of the sender's causal context.</param>
[MessagePackObject]
public sealed record TreeRoot([property: Key(0)] ulong Root, [property: Key(1)] ulong ContextDigest) : SyncMessage;

/// <summary>The sender's hashes of some nodes of one tree level: the children of the nodes found to differ.</summary>
/// <param name="Level">Tree level (1 to the leaf level).</param>
/// <param name="Nodes">Node indexes at that level.</param>
/// <param name="Hashes">The sender's hash of each node.</param>
[MessagePackObject]
public sealed record TreeLevel([property: Key(0)] int Level, [property: Key(1), MessagePackFormatter(typeof(NodeIndexesFormatter))] int[] Nodes, [property: Key(2)] ulong[] Hashes) : SyncMessage;

/// <summary>
/// Every key (with all its entries) the sender holds in <paramref name="Ranges"/>, at most max_sync_size keys.
/// No causal context travels with it: the receiver learns only the dots of the entries carried.
/// </summary>
/// <param name="Session">The sender's repair session, echoed in the reply.</param>
/// <param name="Ranges">Hash ranges covered completely.</param>
/// <param name="Keys">The sender's keys in those ranges.</param>
[MessagePackObject]
public sealed record RangePush([property: Key(0)] ulong Session, [property: Key(1), MessagePackFormatter(typeof(WireRangesFormatter))] WireRange[] Ranges, [property: Key(2), MessagePackFormatter(typeof(WireKeysFormatter))] WireKeys Keys) : SyncMessage;

/// <summary>
/// The answer to a <see cref="RangePush"/>: for the (prefix of the) ranges it covers, entries the pusher did not
/// send, and dots the pusher sent that the replier knows are dead.
/// </summary>
/// <param name="Session">The push's session.</param>
/// <param name="Covered">The prefix of the pushed ranges this reply covers (the last one possibly cut short).</param>
/// <param name="Keys">Entries new to the pusher and dead dots, per key.</param>
[MessagePackObject]
public sealed record RangeReply([property: Key(0)] ulong Session, [property: Key(1), MessagePackFormatter(typeof(WireRangesFormatter))] WireRange[] Covered, [property: Key(2), MessagePackFormatter(typeof(WireKeysFormatter))] WireKeys Keys) : SyncMessage;

/// <summary>Dead dots (and only those) for keys the receiver sent in a reply: closes a repair.</summary>
/// <param name="Keys">Key-scoped deltas with no entries.</param>
[MessagePackObject]
public sealed record Repair([property: Key(0), MessagePackFormatter(typeof(WireKeysFormatter))] WireKeys Keys) : SyncMessage;

/// <summary>
/// Sent when two roots are equal but the contexts differ: with equal live entries, every dot in either
/// context is live on both or dead, so each side may adopt the other's context (this compacts dot clouds).
/// </summary>
/// <param name="Root">The sender's root when sending; the receiver adopts only if its root still equals it.</param>
/// <param name="Context">The sender's context.</param>
/// <param name="IsReply">True for the answer, which gets no answer itself.</param>
[MessagePackObject]
public sealed record ContextShare([property: Key(0)] ulong Root, [property: Key(1)] WireContext Context, [property: Key(2)] bool IsReply) : SyncMessage;
