using System.Runtime.InteropServices;
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
        SortByFirstDot(keys);
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

    private ulong[] _sortKeys = [];
    private OutgoingKey<TKey, TValue>[] _sorted = [];
    private readonly Dictionary<ulong, ulong> _replicaRanks = [];

    /// <summary>
    /// Orders <paramref name="keys"/> by their first entry's dot, grouped by replica (in any order of replicas; the block
    /// only needs each replica's counters ascending). Sorting one number per key, the replica's rank above its counter,
    /// costs a fraction of sorting the keys with a comparison; counters too large to pack fall back to the comparison.
    /// </summary>
    private void SortByFirstDot(List<OutgoingKey<TKey, TValue>> keys)
    {
        var span = CollectionsMarshal.AsSpan(keys);
        if (_sortKeys.Length < span.Length)
        {
            _sortKeys = new ulong[span.Length];
            _sorted = new OutgoingKey<TKey, TValue>[span.Length];
        }

        _replicaRanks.Clear();
        var order = _sortKeys.AsSpan(0, span.Length);
        for (var i = 0; i < span.Length; i++)
        {
            var dot = span[i].Entries.Length > 0 ? span[i].Entries[0].Dot : default;
            if (!_replicaRanks.TryGetValue(dot.Replica, out var rank))
            {
                _replicaRanks[dot.Replica] = rank = (ulong)_replicaRanks.Count;
            }

            if (dot.Counter >= 1UL << CounterBits || rank >= 1UL << (64 - CounterBits - IndexBits) || span.Length > 1 << IndexBits)
            {
                span.Sort(ByFirstDot);
                return;
            }

            // The index below the counter keeps the order of equal dots (dead-dot-only keys) and says where the key was.
            order[i] = (rank << (CounterBits + IndexBits)) | (dot.Counter << IndexBits) | (uint)i;
        }

        order.Sort();
        var sorted = _sorted.AsSpan(0, span.Length);
        for (var i = 0; i < order.Length; i++)
        {
            sorted[i] = span[(int)(order[i] & ((1UL << IndexBits) - 1))];
        }

        sorted.CopyTo(span);
        sorted.Clear(); // holds no keys or values past the message
    }

    private const int CounterBits = 40;
    private const int IndexBits = 20;

    private static int ByFirstDot(OutgoingKey<TKey, TValue> a, OutgoingKey<TKey, TValue> b)
    {
        var x = a.Entries.Length > 0 ? a.Entries[0].Dot : default;
        var y = b.Entries.Length > 0 ? b.Entries[0].Dot : default;
        return x.Replica != y.Replica ? x.Replica.CompareTo(y.Replica) : x.Counter.CompareTo(y.Counter);
    }
}
