using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>Settings of one replica's sync. Defaults follow delta_crdt_ex where it has one.</summary>
public sealed record ReplicaOptions
{
    /// <summary>How often an anti-entropy round starts (delta_crdt_ex's sync_interval). Default 200 ms.</summary>
    public int SyncIntervalMs { get; init; } = 200;

    /// <summary>At most this many keys travel in one message (delta_crdt_ex's max_sync_size). Default 200.</summary>
    public int MaxSyncSize { get; init; } = 200;

    /// <summary>Unacknowledged deltas are sent again after this long. Default 200 ms.</summary>
    public int ResendAfterMs { get; init; } = 200;

    /// <summary>A repair session with no answer for this long is abandoned (the next round starts over). Default 2 s.</summary>
    public int SessionTimeoutMs { get; init; } = 2_000;

    /// <summary>
    /// Unacknowledged key deltas kept per neighbour; beyond it the buffer is dropped and anti-entropy repairs
    /// that neighbour instead, so a dead neighbour cannot make memory grow. Default 10,000.
    /// </summary>
    public int MaxOutboxKeys { get; init; } = 10_000;

    /// <summary>Hash ranges per repair message (bounds its size when the sender holds few keys in them). Default 32.</summary>
    public int MaxRangesPerPush { get; init; } = 32;

    /// <summary>Repair pushes outstanding at once with one peer (overlaps round trips when a replica catches up). Default 8.</summary>
    public int MaxPushesInFlight { get; init; } = 8;

    /// <summary>Neighbours contacted per anti-entropy round (round robin). Default 1: idle cost does not grow with N.</summary>
    public int AntiEntropyFanout { get; init; } = 1;

    /// <summary>Longest delay between a change and the snapshot that includes it. Default 1 s.</summary>
    public int PersistDelayMs { get; init; } = 1_000;

    /// <summary>
    /// Options that encode keys and values; its resolver must know the key and value types. Key encodings are
    /// hashed, so they must be the same on every replica. Default: standard resolver, untrusted-data security.
    /// </summary>
    public MessagePackSerializerOptions SerializerOptions { get; init; } =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>
    /// How far ahead of the local wall clock a received timestamp may be for the local hybrid logical clock to
    /// follow it. Entries stamped further ahead are still stored (no data is lost), but one peer with a wrong clock
    /// cannot drag every later write into the future. Default 1 minute.
    /// </summary>
    public TimeSpan MaxClockDrift { get; init; } = TimeSpan.FromMinutes(1);
}
