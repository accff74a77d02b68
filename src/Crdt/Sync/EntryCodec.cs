using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>Converts keys, values and key deltas between their in-memory and wire forms.</summary>
internal sealed class EntryCodec<TKey, TValue>(MessagePackSerializerOptions options)
    where TKey : notnull
{
    private const int EntryOverhead = 48; // dot, timestamp and framing of one entry, generously

    public MessagePackSerializerOptions Options { get; } = options;

    /// <summary>The largest key delta (key, entries, dead dots) encoded or decoded so far, in bytes.</summary>
    public long MaxKeyBytes { get; private set; }

    public static long Size(int keyBytes, int valueBytes) => keyBytes + valueBytes + EntryOverhead;

    /// <summary>Records the size of a key delta seen on the wire, so that messages can be bounded in bytes.</summary>
    public WireKey Observe(WireKey wire)
    {
        long size = wire.Key?.Length ?? 0;
        foreach (var entry in wire.Entries ?? [])
        {
            size += (entry?.Value?.Length ?? 0) + EntryOverhead;
        }

        size += (wire.Dead?.Length ?? 0) * 20L;
        MaxKeyBytes = Math.Max(MaxKeyBytes, size);
        return wire;
    }

    public byte[] EncodeKey(TKey key) => MessagePackSerializer.Serialize(key, Options);

    public TKey DecodeKey(byte[] bytes) =>
        MessagePackSerializer.Deserialize<TKey>(bytes, Options) ?? throw new InvalidDataException("Null key.");

    public WireEntry Encode(Entry<TValue> entry) => new(
        entry.Dot.Replica, entry.Dot.Counter, entry.Timestamp.Physical, entry.Timestamp.Logical,
        MessagePackSerializer.Serialize(entry.Value, Options));

    public Entry<TValue> Decode(WireEntry entry, bool withValue)
    {
        if (entry is null || entry.Counter == 0 || entry.Value is null)
        {
            throw new InvalidDataException("Malformed entry.");
        }

        var value = withValue ? MessagePackSerializer.Deserialize<TValue>(entry.Value, Options) : default!;
        return new Entry<TValue>(
            new Dot(entry.Replica, entry.Counter),
            new HlcTimestamp(entry.Physical, entry.Logical, entry.Replica),
            value);
    }

    public WireKey Encode(KeyDelta<TKey, TValue> delta) =>
        Observe(new(EncodeKey(delta.Key), [.. delta.Entries.Select(Encode)], [.. delta.Dead.Select(d => new WireDot(d.Replica, d.Counter))]));

    public WireKey Encode(KeyState<TKey, TValue> state, IEnumerable<Entry<TValue>> entries) =>
        Observe(new(EncodeKey(state.Key), [.. entries.Select(Encode)], []));
}
