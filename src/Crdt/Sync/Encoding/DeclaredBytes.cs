using System.Buffers;
using MessagePack;

namespace Horde.Net.Crdt.Sync.Encoding;

/// <summary>Reads a MessagePack bin field of a sync message, with bad input as <see cref="InvalidDataException"/> only.</summary>
internal static class DeclaredBytes
{
    /// <summary>Reads the bytes of <paramref name="what"/>; throws <see cref="InvalidDataException"/> when they are missing or cut short.</summary>
    public static ReadOnlySequence<byte> Read(ref MessagePackReader reader, string what)
    {
        try
        {
            return reader.ReadBytes() ?? throw new InvalidDataException($"Missing {what}.");
        }
        catch (ArgumentOutOfRangeException)
        {
            // MessagePack slices the length the bytes declare before checking it against what is left.
            throw new InvalidDataException($"The {what} declares more bytes than the message holds.");
        }
    }
}
