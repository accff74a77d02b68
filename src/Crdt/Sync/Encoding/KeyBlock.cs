using System.Buffers;
using System.Buffers.Binary;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// The wire form of a list of key deltas: columns instead of rows, then one Brotli block.
/// <para>
/// Row by row, every entry repeats its writer's 8-byte replica id and a full timestamp, and compression sees
/// keys, values and numbers interleaved. In columns, replica ids become indexes into a small table, and the
/// counter, wall-clock and logical parts of each entry are deltas from the previous entry of the same
/// replica, which for a replica's run of writes are mostly 0 or 1. Within one millisecond a replica's logical
/// clock and its counter advance together, so there the logical part is sent as its drift from the counter.
/// </para>
/// <para>
/// Raw layout (all integers LEB128, signed ones zigzag): key count; replica count and the ids (8 bytes each);
/// per key its length, entry count and dead-dot count; per entry its replica index, counter delta, physical
/// delta, logical part and value length; per dead dot its replica index and counter delta; then every key's
/// bytes; then every value's bytes. The order of the keys is kept.
/// </para>
/// </summary>
internal static class KeyBlock
{
    public static byte[] Encode(IReadOnlyList<WireKey> keys)
    {
        var replicas = new ReplicaTable();
        foreach (var key in keys)
        {
            foreach (var entry in key.Entries)
            {
                replicas.IndexOf(entry.Replica);
            }

            foreach (var dot in key.Dead)
            {
                replicas.IndexOf(dot.Replica);
            }
        }

        var raw = new ArrayBufferWriter<byte>(64 + (keys.Count * 32));
        Varint.Write(raw, (ulong)keys.Count);
        Varint.Write(raw, (ulong)replicas.Ids.Count);
        foreach (var replica in replicas.Ids)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(raw.GetSpan(8), replica);
            raw.Advance(8);
        }

        foreach (var key in keys)
        {
            Varint.Write(raw, (ulong)key.Key.Length);
            Varint.Write(raw, (ulong)key.Entries.Length);
            Varint.Write(raw, (ulong)key.Dead.Length);
        }

        var previous = new Previous[replicas.Ids.Count];
        foreach (var key in keys)
        {
            foreach (var entry in key.Entries)
            {
                var r = replicas.IndexOf(entry.Replica);
                ref var p = ref previous[r];
                var counterDelta = (long)(entry.Counter - p.Counter);
                var physicalDelta = entry.Physical - p.Physical;
                Varint.Write(raw, (ulong)r);
                Varint.WriteSigned(raw, counterDelta);
                Varint.WriteSigned(raw, physicalDelta);
                if (physicalDelta == 0)
                {
                    Varint.WriteSigned(raw, (long)entry.Logical - p.Logical - counterDelta);
                }
                else
                {
                    Varint.Write(raw, entry.Logical);
                }

                Varint.Write(raw, (ulong)entry.Value.Length);
                p = new Previous(entry.Counter, entry.Physical, entry.Logical);
            }
        }

        var previousDead = new ulong[replicas.Ids.Count];
        foreach (var key in keys)
        {
            foreach (var dot in key.Dead)
            {
                var r = replicas.IndexOf(dot.Replica);
                Varint.Write(raw, (ulong)r);
                Varint.WriteSigned(raw, (long)(dot.Counter - previousDead[r]));
                previousDead[r] = dot.Counter;
            }
        }

        foreach (var key in keys)
        {
            raw.Write(key.Key);
        }

        foreach (var key in keys)
        {
            foreach (var entry in key.Entries)
            {
                raw.Write(entry.Value);
            }
        }

        return BlockCompression.Compress(raw.WrittenSpan);
    }

    /// <summary>Decodes a block; malformed input throws <see cref="InvalidDataException"/>.</summary>
    public static WireKey[] Decode(ReadOnlySpan<byte> block)
    {
        var reader = new VarintReader(BlockCompression.Decompress(block));
        var keyCount = reader.ReadCount(minBytesPerItem: 3);
        var replicas = new ulong[reader.ReadCount(minBytesPerItem: 8)];
        for (var i = 0; i < replicas.Length; i++)
        {
            replicas[i] = BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8));
        }

        var shapes = new (int KeyLength, int Entries, int Dead)[keyCount];
        for (var i = 0; i < keyCount; i++)
        {
            shapes[i] = (reader.ReadCount(1), reader.ReadCount(minBytesPerItem: 5), reader.ReadCount(minBytesPerItem: 2));
        }

        var entryCount = shapes.Sum(s => (long)s.Entries);
        var deadCount = shapes.Sum(s => (long)s.Dead);
        if ((entryCount * 5) + (deadCount * 2) > reader.Remaining)
        {
            throw new InvalidDataException("Entry counts exceed the block.");
        }

        var entries = new (int Replica, Previous Stamp, int ValueLength)[entryCount];
        var previous = new Previous[replicas.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var r = ReplicaIndex(ref reader, replicas.Length);
            ref var p = ref previous[r];
            var counterDelta = reader.ReadSigned();
            var physicalDelta = reader.ReadSigned();
            var logical = physicalDelta == 0 ? p.Logical + reader.ReadSigned() + counterDelta : (long)reader.Read();
            if (logical is < 0 or > uint.MaxValue)
            {
                throw new InvalidDataException("Logical clock out of range.");
            }

            p = new Previous(p.Counter + (ulong)counterDelta, p.Physical + physicalDelta, (uint)logical);
            entries[i] = (r, p, reader.ReadCount(1));
        }

        var dead = new WireDot[deadCount];
        var previousDead = new ulong[replicas.Length];
        for (var i = 0; i < dead.Length; i++)
        {
            var r = ReplicaIndex(ref reader, replicas.Length);
            previousDead[r] += (ulong)reader.ReadSigned();
            dead[i] = new WireDot(replicas[r], previousDead[r]);
        }

        var keyBytes = reader.ReadBytes(shapes.Sum(s => s.KeyLength));
        var values = reader.ReadBytes(entries.Sum(e => e.ValueLength));
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException("Trailing bytes after a key block.");
        }

        var keys = new WireKey[keyCount];
        int k = 0, e = 0, d = 0, v = 0;
        for (var i = 0; i < keyCount; i++)
        {
            var (keyLength, entriesOfKey, deadOfKey) = shapes[i];
            var row = new WireEntry[entriesOfKey];
            for (var j = 0; j < row.Length; j++, e++)
            {
                var (r, stamp, valueLength) = entries[e];
                row[j] = new WireEntry(replicas[r], stamp.Counter, stamp.Physical, stamp.Logical, values.Slice(v, valueLength).ToArray());
                v += valueLength;
            }

            keys[i] = new WireKey(keyBytes.Slice(k, keyLength).ToArray(), row, dead[d..(d + deadOfKey)]);
            k += keyLength;
            d += deadOfKey;
        }

        return keys;
    }

    private static int ReplicaIndex(ref VarintReader reader, int count)
    {
        var r = reader.Read();
        return r < (ulong)count ? (int)r : throw new InvalidDataException("Replica index out of range.");
    }

    private record struct Previous(ulong Counter, long Physical, uint Logical);

    /// <summary>The replica ids of a block in first-seen order, each written once.</summary>
    private sealed class ReplicaTable
    {
        private readonly Dictionary<ulong, int> _index = [];

        public List<ulong> Ids { get; } = [];

        public int IndexOf(ulong replica)
        {
            if (!_index.TryGetValue(replica, out var i))
            {
                i = Ids.Count;
                _index.Add(replica, i);
                Ids.Add(replica);
            }

            return i;
        }
    }
}
