using System.Collections;
using System.Runtime.CompilerServices;
using Horde.Net.Crdt.Sync.Encoding;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// The key deltas a sync message carries (<see cref="DeltaBatch"/>, <see cref="RangePush"/>, <see cref="RangeReply"/>,
/// <see cref="Repair"/>), held as the one column block they travel as (<c>Sync/Encoding/KeyBlock.cs</c>). A replica
/// writes the block straight from its map and reads keys and values straight from a received one, with no record per
/// key on either side. Records in, records out are for tests and tools: build one from <see cref="WireKey"/>s (a
/// collection expression, an array, <see cref="From"/>), and enumerate it to get them back.
/// </summary>
[CollectionBuilder(typeof(WireKeys), nameof(Create))]
public sealed class WireKeys : IReadOnlyList<WireKey>
{
    private byte[]? _block;
    private KeyColumns? _columns;
    private WireKey[]? _rows;

    internal WireKeys(byte[] block, int count, int withEntries)
    {
        _block = block;
        Count = count;
        WithEntries = withEntries;
    }

    internal WireKeys(KeyColumns columns)
    {
        _columns = columns;
        Count = columns.Count;
        WithEntries = columns.Keys.Count(k => k.EntryCount > 0);
    }

    /// <summary>No keys.</summary>
    public static WireKeys Empty { get; } = From([]);

    /// <summary>The number of keys.</summary>
    public int Count { get; }

    /// <summary>The number of keys that carry entries (the others carry dead dots only).</summary>
    public int WithEntries { get; }

    /// <summary>The encoded block.</summary>
    internal byte[] Block => _block ??= BlockCompression.Compress(_columns!.Raw);

    /// <summary>The block's columns; decoding a block built here throws <see cref="InvalidDataException"/> if its records were malformed.</summary>
    internal KeyColumns Columns => _columns ??= KeyBlock.Decode(_block!);

    private WireKey[] Rows => _rows ??= [.. Enumerable.Range(0, Count).Select(Columns.ToWireKey)];

    /// <summary>Key <paramref name="index"/> as a record.</summary>
    public WireKey this[int index] => Rows[index];

    /// <summary>Encodes <paramref name="keys"/> (the collection-expression builder).</summary>
    public static WireKeys Create(ReadOnlySpan<WireKey> keys) => From(keys.ToArray());

    /// <summary>Encodes <paramref name="keys"/>.</summary>
    public static WireKeys From(IReadOnlyCollection<WireKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new WireKeys(KeyBlock.Encode(keys), keys.Count, keys.Count(k => k?.Entries is { Length: > 0 }));
    }

    /// <summary>Encodes <paramref name="keys"/>.</summary>
    public static implicit operator WireKeys(WireKey[] keys) => From(keys);

    /// <inheritdoc />
    public IEnumerator<WireKey> GetEnumerator() => ((IEnumerable<WireKey>)Rows).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
