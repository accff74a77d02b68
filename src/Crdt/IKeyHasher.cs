namespace Horde.Net.Crdt;

/// <summary>
/// A hash of keys that is identical on every node and every version (unlike <see cref="object.GetHashCode"/>),
/// used to place keys in the anti-entropy hash tree.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
public interface IKeyHasher<in TKey>
{
    /// <summary>The stable 64-bit hash of <paramref name="key"/>.</summary>
    ulong Hash(TKey key);
}
