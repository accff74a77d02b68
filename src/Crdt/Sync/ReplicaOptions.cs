using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Settings of one replica's sync. Defaults follow delta_crdt_ex where it has one. Durations are <see cref="TimeSpan"/>s,
/// so the record binds from configuration like the other options classes; <see cref="Validate"/> runs at start.
/// </summary>
public sealed record ReplicaOptions
{
    /// <summary>The serializer options used when none are given: standard resolver, untrusted-data security.</summary>
    public static readonly MessagePackSerializerOptions DefaultSerializerOptions =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>How often an anti-entropy round starts (delta_crdt_ex's sync_interval). Default 200 ms.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// While rounds keep finding every neighbour equal, the interval between them doubles after each round, up to this;
    /// any change or sign of a difference brings it back to <see cref="SyncInterval"/>. A difference deltas did not
    /// repair is found within (neighbours / <see cref="AntiEntropyFanout"/>) × this, counted from the change or from when
    /// the network delivers again. Default 2 s; set it to <see cref="SyncInterval"/> for no back-off.
    /// </summary>
    public TimeSpan MaxIdleSyncInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many keys travel in one message (delta_crdt_ex's max_sync_size). Default 200.</summary>
    public int MaxSyncSize { get; init; } = 200;

    /// <summary>
    /// At most this many keys travel in one repair push into hash ranges the peer was found to hold nothing in (a fresh
    /// or emptied replica catching up): nothing comes back for them, so fewer, larger messages cost less per key and
    /// compress better. Still bounded by <see cref="MaxSyncBytes"/>; never below <see cref="MaxSyncSize"/>. Default 5,000.
    /// </summary>
    public int MaxBulkSyncSize { get; init; } = 5_000;

    /// <summary>
    /// At most about this many bytes of keys and values travel in one message, whatever <see cref="MaxSyncSize"/>
    /// allows; a key with its value larger than this is refused at write. Must stay below the transport's frame
    /// limit (16 MiB by default). Default 4 MiB.
    /// </summary>
    public int MaxSyncBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Unacknowledged deltas are sent again after this long. Default 200 ms.</summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A repair session with no answer for this long is abandoned (the next round starts over). Default 2 s.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(2);

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
    public TimeSpan PersistDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Options that encode keys and values; its resolver must know the key and value types. Key encodings are
    /// hashed, so they must be the same on every replica. Default <see cref="DefaultSerializerOptions"/>; a replica
    /// started on a node with the default gets <c>HordeSerializer.OptionsFor(node)</c> instead, which also knows
    /// pids (and binds them to that node).
    /// </summary>
    public MessagePackSerializerOptions SerializerOptions { get; init; } = DefaultSerializerOptions;

    /// <summary>
    /// How far ahead of the local wall clock a received timestamp may be for the local hybrid logical clock to
    /// follow it. Entries stamped further ahead are still stored (no data is lost), but one peer with a wrong clock
    /// cannot drag every later write into the future. Default 1 minute.
    /// </summary>
    public TimeSpan MaxClockDrift { get; init; } = TimeSpan.FromMinutes(1);

    internal int SyncIntervalMs => Milliseconds(SyncInterval);

    internal int MaxIdleSyncIntervalMs => Milliseconds(MaxIdleSyncInterval);

    internal int ResendAfterMs => Milliseconds(ResendAfter);

    internal int SessionTimeoutMs => Milliseconds(SessionTimeout);

    internal int PersistDelayMs => Milliseconds(PersistDelay);

    /// <summary>Checks every setting; the message names the one that is wrong.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="SerializerOptions"/> is null.</exception>
    public void Validate()
    {
        Positive(SyncInterval, nameof(SyncInterval));
        Positive(MaxIdleSyncInterval, nameof(MaxIdleSyncInterval));
        Positive(ResendAfter, nameof(ResendAfter));
        Positive(SessionTimeout, nameof(SessionTimeout));
        if (PersistDelay < TimeSpan.Zero || PersistDelay.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(PersistDelay), PersistDelay, $"ReplicaOptions.{nameof(PersistDelay)} must be zero or more (and under 24 days).");
        AtLeast(MaxSyncSize, 1, nameof(MaxSyncSize));
        AtLeast(MaxSyncBytes, 1024, nameof(MaxSyncBytes));
        AtLeast(MaxBulkSyncSize, 1, nameof(MaxBulkSyncSize));
        AtLeast(MaxOutboxKeys, 1, nameof(MaxOutboxKeys));
        AtLeast(MaxRangesPerPush, 1, nameof(MaxRangesPerPush));
        AtLeast(MaxPushesInFlight, 1, nameof(MaxPushesInFlight));
        AtLeast(AntiEntropyFanout, 1, nameof(AntiEntropyFanout));
        if (MaxClockDrift <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MaxClockDrift), MaxClockDrift, $"ReplicaOptions.{nameof(MaxClockDrift)} must be positive.");
        if (SerializerOptions is null)
            throw new ArgumentNullException(nameof(SerializerOptions), $"ReplicaOptions.{nameof(SerializerOptions)} must be set.");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(name, value, $"ReplicaOptions.{name} must be positive (and under 24 days).");
    }

    private static void AtLeast(int value, int min, string name)
    {
        if (value < min)
            throw new ArgumentOutOfRangeException(name, value, $"ReplicaOptions.{name} must be at least {min}.");
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Ceiling(value.TotalMilliseconds);
}
