using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>Converts keys, values and key deltas between their in-memory and wire forms.</summary>
internal sealed class EntryCodec<TKey, TValue>(MessagePackSerializerOptions options)
    where TKey : notnull
{
    public MessagePackSerializerOptions Options { get; } = options;

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
        new(EncodeKey(delta.Key), [.. delta.Entries.Select(Encode)], [.. delta.Dead.Select(d => new WireDot(d.Replica, d.Counter))]);

    public WireKey Encode(KeyState<TKey, TValue> state, IEnumerable<Entry<TValue>> entries) =>
        new(EncodeKey(state.Key), [.. entries.Select(Encode)], []);
}
