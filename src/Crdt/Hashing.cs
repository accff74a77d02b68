namespace Horde.Net.Crdt;

/// <summary>Stable 64-bit mixing used by the hash tree and context digests; identical on every node and version.</summary>
internal static class Hashing
{
    /// <summary>The MurmurHash3 64-bit finaliser: a bijection that spreads every input bit over the output.</summary>
    public static ulong Finalize(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>Combines three words into one well-mixed hash.</summary>
    public static ulong Mix(ulong a, ulong b, ulong c) =>
        Finalize(Finalize(Finalize(a ^ 0x9e3779b97f4a7c15UL) ^ b) + c);
}
