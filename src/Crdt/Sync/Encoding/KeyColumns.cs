namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// A decoded key block as it arrived: the raw bytes and, per key, entry and dead dot, where its parts are. Keys and
/// values stay slices of <see cref="Raw"/> until the replica decodes them, so reading a block makes a handful of
/// arrays, not objects per key.
/// </summary>
/// <param name="Raw">The uncompressed block.</param>
/// <param name="Keys">Per key: its bytes in <paramref name="Raw"/> and its ranges of <paramref name="Entries"/> and <paramref name="Dead"/>.</param>
/// <param name="Entries">Every entry of every key, in key order.</param>
/// <param name="Dead">Every dead dot of every key, in key order.</param>
internal sealed record KeyColumns(byte[] Raw, KeyColumns.KeyShape[] Keys, KeyColumns.EntryColumn[] Entries, Dot[] Dead)
{
    public int Count => Keys.Length;

    public ReadOnlyMemory<byte> KeyBytes(int key) => Raw.AsMemory(Keys[key].KeyOffset, Keys[key].KeyLength);

    public ReadOnlyMemory<byte> ValueBytes(in EntryColumn entry) => Raw.AsMemory(entry.ValueOffset, entry.ValueLength);

    public ReadOnlySpan<EntryColumn> EntriesOf(int key) => Entries.AsSpan(Keys[key].FirstEntry, Keys[key].EntryCount);

    public ArraySegment<Dot> DeadOf(int key) => new(Dead, Keys[key].FirstDead, Keys[key].DeadCount);

    /// <summary>The size key <paramref name="key"/> counts for in a message's byte budget.</summary>
    public long SizeOf(int key)
    {
        long values = 0;
        foreach (var entry in EntriesOf(key))
        {
            values += entry.ValueLength;
        }

        return EntryOverhead.Of(Keys[key].KeyLength, values, Keys[key].EntryCount, Keys[key].DeadCount);
    }

    /// <summary>Key <paramref name="key"/> as a record of its own (copies its bytes).</summary>
    public WireKey ToWireKey(int key)
    {
        var entries = EntriesOf(key);
        var wireEntries = new WireEntry[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var e = entries[i];
            wireEntries[i] = new WireEntry(e.Dot.Replica, e.Dot.Counter, e.Timestamp.Physical, e.Timestamp.Logical, ValueBytes(e).ToArray());
        }

        return new WireKey(KeyBytes(key).ToArray(), wireEntries, [.. DeadOf(key).Select(d => new WireDot(d.Replica, d.Counter))]);
    }

    /// <summary>Where one key's parts are.</summary>
    internal readonly record struct KeyShape(int KeyOffset, int KeyLength, int FirstEntry, int EntryCount, int FirstDead, int DeadCount);

    /// <summary>One entry: its dot, its timestamp and where its encoded value is.</summary>
    internal readonly record struct EntryColumn(Dot Dot, HlcTimestamp Timestamp, int ValueOffset, int ValueLength);
}
