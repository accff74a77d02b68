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
/// bytes; then every value's bytes. The order of the keys is kept. Written by <see cref="KeyBlockWriter"/>, read
/// into <see cref="KeyColumns"/>.
/// </para>
/// </summary>
internal static class KeyBlock
{
    /// <summary>Encodes key deltas given as records (deltas queued for neighbours, tests).</summary>
    public static byte[] Encode(IEnumerable<WireKey> keys)
    {
        var writer = KeyBlockWriter.Rent();
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            writer.BeginKey();
            writer.KeyBytes.Write(key.Key);
            foreach (var entry in key.Entries)
            {
                writer.ValueBytes.Write(entry.Value);
                writer.AddEntry(new Dot(entry.Replica, entry.Counter), entry.Physical, entry.Logical);
            }

            foreach (var dot in key.Dead)
            {
                writer.AddDead(new Dot(dot.Replica, dot.Counter));
            }

            writer.EndKey();
        }

        var block = writer.ToBlock();
        KeyBlockWriter.Return(writer);
        return block;
    }

    /// <summary>Decodes a block; malformed input throws <see cref="InvalidDataException"/>.</summary>
    public static KeyColumns Decode(ReadOnlySpan<byte> block) => Parse(BlockCompression.Decompress(block));

    /// <summary>Reads the columns of an uncompressed block; every count is checked against the bytes left before use.</summary>
    public static KeyColumns Parse(byte[] raw)
    {
        var reader = new VarintReader(raw);
        var keyCount = reader.ReadCount(minBytesPerItem: 3);
        var replicas = new ulong[reader.ReadCount(minBytesPerItem: 8)];
        for (var i = 0; i < replicas.Length; i++)
        {
            replicas[i] = BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8));
        }

        var keys = new KeyColumns.KeyShape[keyCount];
        long entryCount = 0, deadCount = 0;
        for (var i = 0; i < keyCount; i++)
        {
            var (length, entriesOfKey, deadOfKey) = (reader.ReadCount(1), reader.ReadCount(minBytesPerItem: 5), reader.ReadCount(minBytesPerItem: 2));
            keys[i] = new KeyColumns.KeyShape(0, length, (int)entryCount, entriesOfKey, (int)deadCount, deadOfKey); // the totals are checked below
            entryCount += entriesOfKey;
            deadCount += deadOfKey;
        }

        if ((entryCount * 5) + (deadCount * 2) > reader.Remaining)
        {
            throw new InvalidDataException("Entry counts exceed the block.");
        }

        var entriesOut = new KeyColumns.EntryColumn[entryCount];
        Span<KeyBlockWriter.Previous> previous = replicas.Length <= 64 ? stackalloc KeyBlockWriter.Previous[replicas.Length] : new KeyBlockWriter.Previous[replicas.Length];
        previous.Clear();
        long valueBytes = 0;
        for (var i = 0; i < entriesOut.Length; i++)
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

            p = new KeyBlockWriter.Previous(p.Counter + (ulong)counterDelta, p.Physical + physicalDelta, (uint)logical);
            if (p.Counter == 0)
            {
                throw new InvalidDataException("Malformed entry: dot counter 0.");
            }

            var valueLength = reader.ReadCount(1);
            entriesOut[i] = new KeyColumns.EntryColumn(new Dot(replicas[r], p.Counter), new HlcTimestamp(p.Physical, p.Logical, replicas[r]), 0, valueLength);
            valueBytes += valueLength;
        }

        var dead = new Dot[deadCount];
        Span<ulong> previousDead = replicas.Length <= 64 ? stackalloc ulong[replicas.Length] : new ulong[replicas.Length];
        previousDead.Clear();
        for (var i = 0; i < dead.Length; i++)
        {
            var r = ReplicaIndex(ref reader, replicas.Length);
            previousDead[r] += (ulong)reader.ReadSigned();
            dead[i] = previousDead[r] != 0 ? new Dot(replicas[r], previousDead[r]) : throw new InvalidDataException("Dot counter 0.");
        }

        long keyBytes = 0;
        foreach (var key in keys)
        {
            keyBytes += key.KeyLength;
        }

        if (keyBytes + valueBytes != reader.Remaining)
        {
            throw new InvalidDataException(keyBytes + valueBytes > reader.Remaining ? "Truncated bytes." : "Trailing bytes after a key block.");
        }

        // Offsets into raw: every key's bytes, then every value's, in order.
        var offset = raw.Length - reader.Remaining;
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = keys[i] with { KeyOffset = offset };
            offset += keys[i].KeyLength;
        }

        for (var i = 0; i < entriesOut.Length; i++)
        {
            entriesOut[i] = entriesOut[i] with { ValueOffset = offset };
            offset += entriesOut[i].ValueLength;
        }

        return new KeyColumns(raw, keys, entriesOut, dead);
    }

    private static int ReplicaIndex(ref VarintReader reader, int count)
    {
        var r = reader.Read();
        return r < (ulong)count ? (int)r : throw new InvalidDataException("Replica index out of range.");
    }
}
