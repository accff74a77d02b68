using System.Buffers;
using System.IO.Compression;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>
/// Brotli for the column blocks of a sync message: keys and values are mostly text, which Brotli packs about
/// twice as tight as LZ4 at a few microseconds per kilobyte. Blocks under <see cref="StoreBelowBytes"/> are stored as
/// they are (the method byte says which): the deltas of a few writes gain a few hundred bytes from Brotli, and its
/// encoder's set-up costs far more than that in CPU.
/// </summary>
internal static class BlockCompression
{
    /// <summary>No block decompresses to more than this; a larger declared size is refused before allocating.</summary>
    public const int MaxRawBytes = 64 << 20;

    /// <summary>
    /// A block never declares more than this many raw bytes per compressed byte (plus <see cref="RatioSlack"/>), so
    /// a few hostile bytes cannot make the decoder allocate megabytes. Text keys and values compress 2-10 times;
    /// the encoder stores a block that would compress further as it is.
    /// </summary>
    public const int MaxRatio = 64;

    private const int RatioSlack = 4096;

    /// <summary>
    /// Blocks smaller than this are stored. Brotli's set-up (allocating and clearing its hash tables, 0.25-0.5 ms at
    /// quality 5 in a busy process, whatever the block's size) dwarfs what a small block saves on the wire; from a few
    /// kilobytes on, a repair's 200-key blocks, compression pays.
    /// </summary>
    public const int StoreBelowBytes = 4096;

    private const int Quality = 3;
    private const int WindowBits = 16; // blocks are a few kilobytes: a larger window finds nothing more, and costs setting up
    private const byte Stored = 0;
    private const byte Brotli = 1;

    /// <summary>Layout: varint raw length, one method byte, then the (compressed) bytes.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> raw)
    {

        var bound = 1 + BrotliEncoder.GetMaxCompressedLength(raw.Length); // never below 1 + raw.Length
        var output = new ArrayBufferWriter<byte>(Varint.MaxBytes + bound);
        Varint.Write(output, (ulong)raw.Length);
        var body = output.GetSpan(bound);
        if (raw.Length >= StoreBelowBytes
            && BrotliEncoder.TryCompress(raw, body[1..], out var written, Quality, WindowBits)
            && written < raw.Length
            && Fits((ulong)raw.Length, written))
        {
            body[0] = Brotli;
            output.Advance(1 + written);
        }
        else
        {
            body[0] = Stored;
            raw.CopyTo(body[1..]);
            output.Advance(1 + raw.Length);
        }

        return output.WrittenSpan.ToArray();
    }

    private static bool Fits(ulong rawLength, int compressedLength) => rawLength <= ((ulong)compressedLength * MaxRatio) + RatioSlack;

    public static byte[] Decompress(ReadOnlySpan<byte> block)
    {
        var reader = new VarintReader(block);
        var rawLength = reader.Read();
        if (rawLength > MaxRawBytes)
        {
            throw new InvalidDataException($"A sync block declares {rawLength} bytes; at most {MaxRawBytes} are accepted.");
        }

        var method = reader.ReadBytes(1)[0];
        var payload = reader.ReadBytes(reader.Remaining);
        if (!Fits(rawLength, payload.Length))
        {
            throw new InvalidDataException($"A sync block of {payload.Length} bytes declares {rawLength} raw bytes; at most {MaxRatio} per byte are accepted.");
        }

        var raw = new byte[(int)rawLength];
        switch (method)
        {
            case Stored when payload.Length == raw.Length:
                payload.CopyTo(raw);
                return raw;
            case Brotli when BrotliDecoder.TryDecompress(payload, raw, out var written) && written == raw.Length:
                return raw;
            default:
                throw new InvalidDataException("A sync block does not decode to its declared length.");
        }
    }
}
