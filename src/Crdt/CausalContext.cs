namespace Horde.Net.Crdt;

/// <summary>
/// The set of dots a replica has seen: a version vector for the contiguous prefix of each replica's counters,
/// plus a dot cloud for dots seen out of order. Adding the missing dot folds the cloud back into the vector,
/// so the cloud stays small once a replica has caught up.
/// </summary>
public sealed class CausalContext
{
    private readonly Dictionary<ulong, ulong> _vector = [];
    private readonly Dictionary<ulong, DotCloud> _cloud = [];
    private int _cloudCount;
    private ulong _digest;
    private bool _digestValid;

    /// <summary>The contiguous prefix seen per replica: every counter from 1 to the value is in the context.</summary>
    public IReadOnlyDictionary<ulong, ulong> VersionVector => _vector;

    /// <summary>Dots seen beyond the contiguous prefix of their replica.</summary>
    public IEnumerable<Dot> Cloud
    {
        get
        {
            foreach (var (replica, counters) in _cloud)
            {
                foreach (var counter in counters.Counters())
                {
                    yield return new Dot(replica, counter);
                }
            }
        }
    }

    /// <summary>How many dots are in the cloud (a measure of how far from compact the context is).</summary>
    public int CloudCount => _cloudCount;

    /// <summary>Whether <paramref name="dot"/> has been seen.</summary>
    public bool Contains(Dot dot) =>
        (_vector.TryGetValue(dot.Replica, out var max) && dot.Counter <= max)
        || (_cloudCount > 0 && _cloud.TryGetValue(dot.Replica, out var set) && set.Contains(dot.Counter));

    /// <summary>Adds <paramref name="dot"/>; returns false if it was already present.</summary>
    public bool Add(Dot dot)
    {
        if (dot.Counter == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dot), "Dot counters start at 1.");
        }

        _vector.TryGetValue(dot.Replica, out var max);
        if (dot.Counter <= max)
        {
            return false;
        }

        if (dot.Counter == max + 1)
        {
            max++;
            if (_cloudCount > 0 && _cloud.TryGetValue(dot.Replica, out var set))
            {
                var before = set.Count;
                max = set.Fold(max);
                _cloudCount -= before - set.Count;
                if (set.Count == 0)
                {
                    _cloud.Remove(dot.Replica);
                }
            }

            _vector[dot.Replica] = max;
        }
        else
        {
            if (!_cloud.TryGetValue(dot.Replica, out var set))
            {
                set = new DotCloud();
                _cloud[dot.Replica] = set;
            }

            if (!set.Add(dot.Counter))
            {
                return false;
            }

            _cloudCount++;
        }

        _digestValid = false;
        return true;
    }

    /// <summary>Adds every dot of <paramref name="other"/>; returns whether anything was new.</summary>
    public bool UnionWith(CausalContext other)
    {
        var changed = false;
        foreach (var (replica, max) in other._vector)
        {
            _vector.TryGetValue(replica, out var mine);
            if (max > mine)
            {
                _vector[replica] = max;
                changed = true;
                if (_cloud.TryGetValue(replica, out var set))
                {
                    var before = set.Count;
                    set.DropUpTo(max);
                    _vector[replica] = set.Fold(max);
                    _cloudCount -= before - set.Count;
                    if (set.Count == 0)
                    {
                        _cloud.Remove(replica);
                    }
                }
            }
        }

        foreach (var dot in other.Cloud)
        {
            changed |= Add(dot);
        }

        if (changed)
        {
            _digestValid = false;
        }

        return changed;
    }

    /// <summary>Records every counter from 1 to <paramref name="max"/> of <paramref name="replica"/> as seen.</summary>
    internal void SetPrefix(ulong replica, ulong max)
    {
        var prefix = new CausalContext();
        prefix._vector[replica] = max;
        UnionWith(prefix);
    }

    /// <summary>The highest counter seen from <paramref name="replica"/> (0 if none).</summary>
    public ulong MaxCounter(ulong replica)
    {
        _vector.TryGetValue(replica, out var max);
        if (_cloud.TryGetValue(replica, out var set))
        {
            max = Math.Max(max, set.Max());
        }

        return max;
    }

    /// <summary>
    /// An order-independent 64-bit digest of the context, so two replicas can tell cheaply whether their
    /// contexts differ. Cached until the context changes.
    /// </summary>
    public ulong Digest()
    {
        if (_digestValid)
        {
            return _digest;
        }

        ulong digest = 0;
        foreach (var (replica, max) in _vector)
        {
            digest ^= Hashing.Mix(replica, max, 0x5bd1e995UL);
        }

        foreach (var dot in Cloud)
        {
            digest ^= Hashing.Mix(dot.Replica, dot.Counter, 0xc2b2ae3d27d4eb4fUL);
        }

        _digest = digest;
        _digestValid = true;
        return digest;
    }

    /// <summary>Whether both contexts hold exactly the same dots.</summary>
    public bool SetEquals(CausalContext other)
    {
        if (_vector.Count != other._vector.Count || _cloudCount != other._cloudCount)
        {
            return false;
        }

        foreach (var (replica, max) in _vector)
        {
            if (!other._vector.TryGetValue(replica, out var theirs) || theirs != max)
            {
                return false;
            }
        }

        foreach (var dot in Cloud)
        {
            if (!other.Contains(dot))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A deep copy.</summary>
    public CausalContext Clone()
    {
        var copy = new CausalContext();
        copy.UnionWith(this);
        return copy;
    }
}
