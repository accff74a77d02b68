using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// Builds one key block (<see cref="KeyBlock"/>) key by key, straight from wherever the keys live: the caller writes
/// each key's and value's encoded bytes into <see cref="KeyBytes"/> and <see cref="ValueBytes"/> and reports the
/// numbers, and <see cref="ToBlock"/> lays out the columns and compresses them. No per-key object is made.
/// One is cached per thread (<see cref="Rent"/>), so its buffers are reused from message to message.
/// </summary>
internal sealed class KeyBlockWriter
{
    private const int MaxCachedBytes = 256 << 10;

    [ThreadStatic]
    private static KeyBlockWriter? s_cached;

    private readonly List<Shape> _shapes = [];
    private readonly List<Stamp> _entries = [];
    private readonly List<Dot> _dead = [];
    private readonly Dictionary<ulong, int> _replicaIndex = [];
    private readonly List<ulong> _replicas = [];
    private readonly ArrayBufferWriter<byte> _keys = new(4096);
    private readonly ArrayBufferWriter<byte> _values = new(4096);
    private readonly ArrayBufferWriter<byte> _raw = new(8192);
    private int _keyStart;
    private int _valueStart;
    private int _entryStart;
    private int _deadStart;

    /// <summary>Where the current key's encoded bytes go.</summary>
    public IBufferWriter<byte> KeyBytes => _keys;

    /// <summary>Where the next entry's encoded value goes, before <see cref="AddEntry"/>.</summary>
    public IBufferWriter<byte> ValueBytes => _values;

    /// <summary>Keys added so far.</summary>
    public int Count => _shapes.Count;

    /// <summary>Keys added so far that carry entries.</summary>
    public int WithEntries { get; private set; }

    /// <summary>The calling thread's writer, empty; give it back with <see cref="Return"/>.</summary>
    public static KeyBlockWriter Rent()
    {
        var writer = s_cached ?? new KeyBlockWriter();
        s_cached = null;
        return writer;
    }

    /// <summary>Empties <paramref name="writer"/> and keeps it for the next <see cref="Rent"/> on this thread.</summary>
    public static void Return(KeyBlockWriter writer)
    {
        if (writer._raw.Capacity > MaxCachedBytes)
        {
            return; // after a message of large values: let the buffers go rather than hold megabytes per thread
        }

        writer.Reset();
        s_cached = writer;
    }

    /// <summary>Starts a key: its bytes, entries and dead dots follow, then <see cref="EndKey"/>.</summary>
    public void BeginKey()
    {
        _keyStart = _keys.WrittenCount;
        _valueStart = _values.WrittenCount;
        _entryStart = _entries.Count;
        _deadStart = _dead.Count;
    }

    /// <summary>Adds an entry of the current key whose value was just written to <see cref="ValueBytes"/>.</summary>
    public void AddEntry(Dot dot, long physical, uint logical)
    {
        var valueEnd = _values.WrittenCount;
        var valueLength = valueEnd - _valueStart;
        _valueStart = valueEnd;
        _entries.Add(new Stamp(dot, physical, logical, valueLength));
    }

    /// <summary>Adds a dead dot of the current key.</summary>
    public void AddDead(Dot dot) => _dead.Add(dot);

    /// <summary>Ends the current key; returns the size of what it added (key, values, the numbers), for byte budgets.</summary>
    public long EndKey()
    {
        var keyLength = _keys.WrittenCount - _keyStart;
        var entries = _entries.Count - _entryStart;
        var dead = _dead.Count - _deadStart;
        _shapes.Add(new Shape(keyLength, entries, dead));
        WithEntries += entries > 0 ? 1 : 0;
        long values = 0;
        foreach (var entry in CollectionsMarshal.AsSpan(_entries)[_entryStart..])
        {
            values += entry.ValueLength;
        }

        return EntryOverhead.Of(keyLength, values, entries, dead);
    }

    /// <summary>The block of every key added (see <see cref="KeyBlock"/> for the layout), compressed.</summary>
    public byte[] ToBlock()
    {
        var entries = CollectionsMarshal.AsSpan(_entries);
        var dead = CollectionsMarshal.AsSpan(_dead);
        foreach (ref readonly var entry in entries)
        {
            IndexOf(entry.Dot.Replica);
        }

        foreach (ref readonly var dot in dead)
        {
            IndexOf(dot.Replica);
        }

        var raw = _raw;
        Varint.Write(raw, (ulong)_shapes.Count);
        Varint.Write(raw, (ulong)_replicas.Count);
        foreach (var replica in _replicas)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(raw.GetSpan(8), replica);
            raw.Advance(8);
        }

        foreach (ref readonly var shape in CollectionsMarshal.AsSpan(_shapes))
        {
            Varint.Write(raw, (ulong)shape.KeyLength);
            Varint.Write(raw, (ulong)shape.Entries);
            Varint.Write(raw, (ulong)shape.Dead);
        }

        Span<Previous> previous = _replicas.Count <= 64 ? stackalloc Previous[_replicas.Count] : new Previous[_replicas.Count];
        previous.Clear();
        foreach (ref readonly var entry in entries)
        {
            var r = _replicaIndex[entry.Dot.Replica];
            ref var p = ref previous[r];
            var counterDelta = (long)(entry.Dot.Counter - p.Counter);
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

            Varint.Write(raw, (ulong)entry.ValueLength);
            p = new Previous(entry.Dot.Counter, entry.Physical, entry.Logical);
        }

        Span<ulong> previousDead = _replicas.Count <= 64 ? stackalloc ulong[_replicas.Count] : new ulong[_replicas.Count];
        previousDead.Clear();
        foreach (ref readonly var dot in dead)
        {
            var r = _replicaIndex[dot.Replica];
            Varint.Write(raw, (ulong)r);
            Varint.WriteSigned(raw, (long)(dot.Counter - previousDead[r]));
            previousDead[r] = dot.Counter;
        }

        raw.Write(_keys.WrittenSpan);
        raw.Write(_values.WrittenSpan);
        return BlockCompression.Compress(raw.WrittenSpan);
    }

    private void IndexOf(ulong replica)
    {
        if (!_replicaIndex.ContainsKey(replica))
        {
            _replicaIndex.Add(replica, _replicas.Count);
            _replicas.Add(replica);
        }
    }

    private void Reset()
    {
        WithEntries = 0;
        _shapes.Clear();
        _entries.Clear();
        _dead.Clear();
        _replicaIndex.Clear();
        _replicas.Clear();
        _keys.ResetWrittenCount();
        _values.ResetWrittenCount();
        _raw.ResetWrittenCount();
    }

    /// <summary>Counter and clock of a replica's previous entry in the block, which the next one is written relative to.</summary>
    internal record struct Previous(ulong Counter, long Physical, uint Logical);

    private readonly record struct Shape(int KeyLength, int Entries, int Dead);

    private readonly record struct Stamp(Dot Dot, long Physical, uint Logical, int ValueLength);
}

/// <summary>The size a key delta counts for in a message's byte budget: its bytes plus generous framing per entry and dot.</summary>
internal static class EntryOverhead
{
    /// <summary>Dot, timestamp and framing of one entry, generously.</summary>
    public const int PerEntry = 48;

    /// <summary>One dead dot.</summary>
    public const int PerDeadDot = 20;

    public static long Of(long keyBytes, long valueBytes, int entries, int deadDots) =>
        keyBytes + valueBytes + ((long)entries * PerEntry) + ((long)deadDots * PerDeadDot);
}
