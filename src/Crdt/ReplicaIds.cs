using System.Security.Cryptography;

namespace Horde.Net.Crdt;

/// <summary>Replica ids: random 64-bit numbers, one per replica incarnation.</summary>
public static class ReplicaIds
{
    /// <summary>
    /// A fresh random, non-zero replica id. 64 random bits make a collision between incarnations of one
    /// cluster negligible (about 1 in 10^10 for 10^4 incarnations).
    /// </summary>
    public static ulong NewId()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BitConverter.ToUInt64(bytes);
        }
        while (id == 0);

        return id;
    }
}
