namespace Horde.Net.Crdt;

/// <summary>
/// A fixed-shape hash tree over the key-hash space: 4096 leaves (the top 12 bits of a key's hash), internal
/// nodes of fan-out 16, and a root. A node's hash is the XOR of the hashes of every live (key, dot) pair below it,
/// so a write updates four words in O(1) and two replicas holding the same live entries have the same root.
/// </summary>
internal sealed class HashTree
{
    /// <summary>Bits per level step.</summary>
    public const int FanoutBits = 4;

    /// <summary>Children per internal node.</summary>
    public const int Fanout = 1 << FanoutBits;

    /// <summary>Index of the leaf level (level 0 is the root).</summary>
    public const int LeafLevel = 3;

    /// <summary>Bits of the key hash that pick the leaf.</summary>
    public const int LeafBits = FanoutBits * LeafLevel;

    /// <summary>Number of leaves.</summary>
    public const int LeafCount = 1 << LeafBits;

    private readonly ulong[][] _levels;

    public HashTree()
    {
        _levels = new ulong[LeafLevel + 1][];
        for (var level = 0; level <= LeafLevel; level++)
        {
            _levels[level] = new ulong[1 << (FanoutBits * level)];
        }
    }

    /// <summary>The root hash: equal on two replicas exactly when (with overwhelming probability) they hold the same entries.</summary>
    public ulong Root => _levels[0][0];

    /// <summary>Number of nodes at <paramref name="level"/>.</summary>
    public static int NodeCount(int level) => 1 << (FanoutBits * level);

    /// <summary>The leaf a key hash falls in.</summary>
    public static int LeafOf(ulong keyHash) => (int)(keyHash >> (64 - LeafBits));

    /// <summary>The first key hash in <paramref name="leaf"/>.</summary>
    public static ulong LeafLow(int leaf) => (ulong)leaf << (64 - LeafBits);

    /// <summary>The last key hash in <paramref name="leaf"/>.</summary>
    public static ulong LeafHigh(int leaf) => LeafLow(leaf) | (ulong.MaxValue >> LeafBits);

    /// <summary>The hash of a node.</summary>
    public ulong Node(int level, int index) => _levels[level][index];

    /// <summary>The leaves below node <paramref name="index"/> of <paramref name="level"/> that hold anything (hash not 0).</summary>
    public IEnumerable<int> NonEmptyLeaves(int level, int index)
    {
        var span = 1 << (FanoutBits * (LeafLevel - level));
        for (var leaf = index * span; leaf < (index + 1) * span; leaf++)
        {
            if (_levels[LeafLevel][leaf] != 0)
            {
                yield return leaf;
            }
        }
    }

    /// <summary>Adds or removes (XOR is its own inverse) one live (key, dot) pair.</summary>
    public void Toggle(ulong keyHash, Dot dot)
    {
        var h = Hashing.Mix(keyHash, dot.Replica, dot.Counter);
        var leaf = LeafOf(keyHash);
        for (var level = LeafLevel; level >= 0; level--)
        {
            _levels[level][leaf >> (FanoutBits * (LeafLevel - level))] ^= h;
        }
    }

    /// <summary>Clears every hash.</summary>
    public void Clear()
    {
        foreach (var level in _levels)
        {
            Array.Clear(level);
        }
    }
}
