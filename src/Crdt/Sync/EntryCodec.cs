using Horde.Net.Crdt.Sync.Encoding;
using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>One key a message carries from the map, with its hash: the entries to send (none when it carries only dead dots) and dead dots.</summary>
internal readonly record struct OutgoingKey<TKey, TValue>(TKey Key, ulong Hash, Entry<TValue>[] Entries, Dot[] Dead);

/// <summary>Converts keys, values and key deltas between their in-memory and wire forms.</summary>
internal sealed class EntryCodec<TKey, TValue>(MessagePackSerializerOptions options)
    where TKey : notnull
{
    public MessagePackSerializerOptions Options { get; } = options;

    /// <summary>The largest key delta (key, entries, dead dots) encoded or decoded so far, in bytes.</summary>
    public long MaxKeyBytes { get; private set; }

    public static long Size(int keyBytes, int valueBytes) => EntryOverhead.Of(keyBytes, valueBytes, entries: 1, deadDots: 0);

    /// <summary>Records the size of a key delta seen on the wire, so that messages can be bounded in bytes.</summary>
    public void ObserveSize(long size) => MaxKeyBytes = Math.Max(MaxKeyBytes, size);

    /// <inheritdoc cref="ObserveSize(long)"/>
    public WireKey Observe(WireKey wire)
    {
        long values = 0;
        foreach (var entry in wire.Entries ?? [])
        {
            values += entry?.Value?.Length ?? 0;
        }

        ObserveSize(EntryOverhead.Of(wire.Key?.Length ?? 0, values, wire.Entries?.Length ?? 0, wire.Dead?.Length ?? 0));
        return wire;
    }

    public byte[] EncodeKey(TKey key) => MessagePackSerializer.Serialize(key, Options);

    public TKey DecodeKey(ReadOnlyMemory<byte> bytes) =>
        MessagePackSerializer.Deserialize<TKey>(bytes, Options) ?? throw new InvalidDataException("Null key.");

    public TValue DecodeValue(ReadOnlyMemory<byte> bytes) => MessagePackSerializer.Deserialize<TValue>(bytes, Options);

    public WireEntry Encode(Entry<TValue> entry) => new(
        entry.Dot.Replica, entry.Dot.Counter, entry.Timestamp.Physical, entry.Timestamp.Logical,
        MessagePackSerializer.Serialize(entry.Value, Options));

    public Entry<TValue> Decode(WireEntry entry, bool withValue)
    {
        if (entry is null || entry.Counter == 0 || entry.Value is null)
        {
            throw new InvalidDataException("Malformed entry.");
        }

        var value = withValue ? DecodeValue(entry.Value) : default!;
        return new Entry<TValue>(
            new Dot(entry.Replica, entry.Counter),
            new HlcTimestamp(entry.Physical, entry.Logical, entry.Replica),
            value);
    }

    public WireKey Encode(KeyDelta<TKey, TValue> delta)
    {
        var entries = new WireEntry[delta.Entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Encode(delta.Entries[i]);
        }

        return Observe(new(EncodeKey(delta.Key), entries, Dead(delta.Dead)));
    }

    /// <summary>A delta of one entry whose key and value were encoded already (a put checks their size first).</summary>
    public WireKey Encode(KeyDelta<TKey, TValue> delta, byte[] key, byte[] value)
    {
        var entry = delta.Entries[0];
        return Observe(new(key, [new(entry.Dot.Replica, entry.Dot.Counter, entry.Timestamp.Physical, entry.Timestamp.Logical, value)], Dead(delta.Dead)));
    }

    private static WireDot[] Dead(Dot[] dead)
    {
        if (dead.Length == 0)
        {
            return [];
        }

        var wire = new WireDot[dead.Length];
        for (var i = 0; i < dead.Length; i++)
        {
            wire[i] = new WireDot(dead[i].Replica, dead[i].Counter);
        }

        return wire;
    }

    /// <summary>
    /// Writes <paramref name="keys"/> into one block straight from the map's entries, in dot order: the order of keys in
    /// a repair message is free, and in dot order a replica's writes come as runs of small steps, which the block encodes
    /// in a byte or two.
    /// </summary>
    public WireKeys Encode(List<OutgoingKey<TKey, TValue>> keys)
    {
        keys.Sort(ByFirstDot);
        var writer = KeyBlockWriter.Rent();
        foreach (var (key, _, entries, dead) in keys)
        {
            writer.BeginKey();
            MessagePackSerializer.Serialize(writer.KeyBytes, key, Options);
            foreach (var entry in entries)
            {
                MessagePackSerializer.Serialize(writer.ValueBytes, entry.Value, Options);
                writer.AddEntry(entry.Dot, entry.Timestamp.Physical, entry.Timestamp.Logical);
            }

            foreach (var dot in dead)
            {
                writer.AddDead(dot);
            }

            ObserveSize(writer.EndKey());
        }

        var block = new WireKeys(writer.ToBlock(), writer.Count, writer.WithEntries);
        KeyBlockWriter.Return(writer);
        return block;
    }

    private static int ByFirstDot(OutgoingKey<TKey, TValue> a, OutgoingKey<TKey, TValue> b)
    {
        var x = a.Entries.Length > 0 ? a.Entries[0].Dot : default;
        var y = b.Entries.Length > 0 ? b.Entries[0].Dot : default;
        return x.Replica != y.Replica ? x.Replica.CompareTo(y.Replica) : x.Counter.CompareTo(y.Counter);
    }
}
