using System.Buffers;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>LEB128 variable-length integers: small numbers (the common case after delta coding) take one byte.</summary>
internal static class Varint
{
    public const int MaxBytes = 10;

    public static void Write(IBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(MaxBytes);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        writer.Advance(i);
    }

    /// <summary>Zigzag: small negative numbers stay small too.</summary>
    public static void WriteSigned(IBufferWriter<byte> writer, long value) => Write(writer, (ulong)((value << 1) ^ (value >> 63)));
}

/// <summary>Reads what <see cref="Varint"/> and plain byte writes produced; every overrun is <see cref="InvalidDataException"/>.</summary>
internal ref struct VarintReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    public readonly int Remaining => _bytes.Length - _position;

    public ulong Read()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _bytes.Length)
            {
                throw new InvalidDataException("Truncated integer.");
            }

            var b = _bytes[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("Integer too long.");
    }

    public long ReadSigned()
    {
        var raw = Read();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>
    /// A count of items that each take at least <paramref name="minBytesPerItem"/> of the bytes left, checked so a
    /// hostile count cannot make the reader allocate more than the message could fill.
    /// </summary>
    public int ReadCount(int minBytesPerItem)
    {
        var count = Read();
        if (count > (ulong)(Remaining / minBytesPerItem))
        {
            throw new InvalidDataException("Count exceeds the message.");
        }

        return (int)count;
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length < 0 || length > Remaining)
        {
            throw new InvalidDataException("Truncated bytes.");
        }

        var span = _bytes.Slice(_position, length);
        _position += length;
        return span;
    }
}
