using System.Runtime.InteropServices;

namespace Horde.Net.Crdt;

/// <summary>
/// A delta-state add-wins last-writer-wins map. Each key holds entries tagged with dots; the causal context
/// records every dot seen. A put replaces the key's dots with a new one, a remove ships the key's dots as seen;
/// join keeps <c>(s1 ∩ s2) ∪ (s1 ∖ c2) ∪ (s2 ∖ c1)</c>; a read returns the entry with the newest
/// <see cref="HlcTimestamp"/>. Pure: no I/O, no threads, no clock reads (callers pass the time).
/// Not thread-safe: one owner mutates it.
/// </summary>
/// <typeparam name="TKey">Key type; its <see cref="IKeyHasher{TKey}"/> must be stable across nodes.</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class AwLwwMap<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, KeyState<TKey, TValue>> _keys;
    private readonly KeyState<TKey, TValue>?[] _leaves = new KeyState<TKey, TValue>?[HashTree.LeafCount];
    private readonly IKeyHasher<TKey> _hasher;
    private ulong _counter;

    /// <summary>Creates an empty map owned by replica <paramref name="replicaId"/>.</summary>
    /// <param name="replicaId">This replica incarnation's id (see <see cref="ReplicaIds.NewId"/>).</param>
    /// <param name="hasher">Stable key hash; must agree on every replica.</param>
    /// <param name="comparer">Key equality for lookups; the default comparer if null.</param>
    public AwLwwMap(ulong replicaId, IKeyHasher<TKey> hasher, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ReplicaId = replicaId;
        _hasher = hasher;
        _keys = new Dictionary<TKey, KeyState<TKey, TValue>>(comparer);
        Clock = new HybridLogicalClock(replicaId);
    }

    /// <summary>This replica's id; the replica part of every dot it creates.</summary>
    public ulong ReplicaId { get; }

    /// <summary>The dots this replica has seen.</summary>
    public CausalContext Context { get; } = new();

    /// <summary>The clock stamping this replica's writes; advanced by every received entry.</summary>
    public HybridLogicalClock Clock { get; private set; }

    /// <summary>The counter of the last dot this replica created.</summary>
    public ulong Counter => _counter;

    /// <summary>Number of keys present.</summary>
    public int Count => _keys.Count;

    /// <summary>The key hasher.</summary>
    public IKeyHasher<TKey> Hasher => _hasher;

    internal HashTree Tree { get; } = new();

    /// <summary>Reads the value of <paramref name="key"/>: the entry with the newest timestamp.</summary>
    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_keys.TryGetValue(key, out var state))
        {
            value = state.Winner().Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>All live entries of <paramref name="key"/> (empty if absent).</summary>
    public IReadOnlyList<Entry<TValue>> EntriesOf(TKey key) =>
        _keys.TryGetValue(key, out var state) ? state.Entries : [];

    /// <summary>Every key with the value a read returns.</summary>
    public IEnumerable<KeyValuePair<TKey, TValue>> Read()
    {
        foreach (var state in _keys.Values)
        {
            yield return new KeyValuePair<TKey, TValue>(state.Key, state.Winner().Value);
        }
    }

    /// <summary>Puts <paramref name="value"/> at <paramref name="key"/>, replacing every entry this replica has seen.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="wallClockMs">Current wall-clock time in Unix milliseconds (fed to the clock).</param>
    /// <param name="diffs">If given, receives the visible change.</param>
    /// <returns>The delta to ship to other replicas.</returns>
    public KeyDelta<TKey, TValue> Put(TKey key, TValue value, long wallClockMs, List<Diff<TKey, TValue>>? diffs = null)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out var exists);
        var state = exists ? slot! : (slot = NewState(key, _hasher.Hash(key)));

        var entry = new Entry<TValue>(new Dot(ReplicaId, ++_counter), Clock.Next(wallClockMs), value);
        Context.Add(entry.Dot);

        var old = state.Entries;
        Dot[] dead;
        if (old.Length == 0)
        {
            dead = [];
            state.Entries = [entry];
        }
        else
        {
            dead = new Dot[old.Length];
            for (var i = 0; i < old.Length; i++)
            {
                dead[i] = old[i].Dot;
                Tree.Toggle(state.Hash, old[i].Dot);
            }

            // A new array, never a write into the old one: snapshots encode captured entry arrays off the owner's thread.
            state.Entries = [entry];
        }

        Tree.Toggle(state.Hash, entry.Dot);
        diffs?.Add(new Diff<TKey, TValue>(DiffKind.Add, key, value));
        return new KeyDelta<TKey, TValue>(key, state.Hash, [entry], dead);
    }

    /// <summary>Removes <paramref name="key"/>: every entry this replica has seen for it.</summary>
    /// <returns>The delta to ship, or null if the key was absent (nothing to tell anyone).</returns>
    public KeyDelta<TKey, TValue>? Remove(TKey key, List<Diff<TKey, TValue>>? diffs = null)
    {
        if (!_keys.Remove(key, out var state))
        {
            return null;
        }

        var dead = new Dot[state.Entries.Length];
        for (var i = 0; i < dead.Length; i++)
        {
            dead[i] = state.Entries[i].Dot;
            Tree.Toggle(state.Hash, dead[i]);
        }

        Unlink(state);
        diffs?.Add(new Diff<TKey, TValue>(DiffKind.Remove, key, default));
        return new KeyDelta<TKey, TValue>(key, state.Hash, [], dead);
    }

    /// <summary>Puts several values (delta_crdt_ex's merge); one delta per key.</summary>
    public List<KeyDelta<TKey, TValue>> PutMany(IEnumerable<KeyValuePair<TKey, TValue>> pairs, long wallClockMs, List<Diff<TKey, TValue>>? diffs = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var deltas = new List<KeyDelta<TKey, TValue>>();
        foreach (var (key, value) in pairs)
        {
            deltas.Add(Put(key, value, wallClockMs, diffs));
        }

        return deltas;
    }

    /// <summary>Removes several keys (delta_crdt_ex's drop); one delta per key present.</summary>
    public List<KeyDelta<TKey, TValue>> RemoveMany(IEnumerable<TKey> keys, List<Diff<TKey, TValue>>? diffs = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var deltas = new List<KeyDelta<TKey, TValue>>();
        foreach (var key in keys)
        {
            if (Remove(key, diffs) is { } delta)
            {
                deltas.Add(delta);
            }
        }

        return deltas;
    }

    /// <summary>Removes every key this replica holds.</summary>
    public List<KeyDelta<TKey, TValue>> Clear(List<Diff<TKey, TValue>>? diffs = null) => RemoveMany([.. _keys.Keys], diffs);

    /// <summary>
    /// Joins a key-scoped delta: drops local entries whose dots the delta reports dead, adds delta entries whose
    /// dots this replica has not seen, and records exactly those dots as seen.
    /// </summary>
    /// <param name="delta">The delta.</param>
    /// <param name="diffs">If given, receives the visible change.</param>
    /// <param name="deadHere">If given, receives the delta's entry dots that this replica knows to be dead
    /// (seen and no longer live), so the sender can be told.</param>
    /// <returns>Whether the state or the context changed (a delta that changed nothing need not be forwarded).</returns>
    public bool Apply(KeyDelta<TKey, TValue> delta, List<Diff<TKey, TValue>>? diffs = null, List<Dot>? deadHere = null)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return Apply(delta.Key, delta.KeyHash, delta.Entries, delta.Dead, diffs, deadHere);
    }

    /// <summary>Joins several key-scoped deltas; returns whether anything changed.</summary>
    public bool Apply(IEnumerable<KeyDelta<TKey, TValue>> deltas, List<Diff<TKey, TValue>>? diffs = null)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var changed = false;
        foreach (var delta in deltas)
        {
            changed |= Apply(delta, diffs);
        }

        return changed;
    }

    internal bool Apply(TKey key, ulong keyHash, ReadOnlySpan<Entry<TValue>> entries, ReadOnlySpan<Dot> dead, List<Diff<TKey, TValue>>? diffs, List<Dot>? deadHere)
    {
        _keys.TryGetValue(key, out var state);
        var before = state is null ? (Dot?)null : state.Winner().Dot;
        var changed = false;

        if (state is not null && dead.Length > 0)
        {
            changed |= DropDots(state, dead);
        }

        foreach (var entry in entries)
        {
            if (Context.Contains(entry.Dot))
            {
                if (deadHere is not null && (state is null || !state.Holds(entry.Dot)))
                {
                    deadHere.Add(entry.Dot);
                }

                continue;
            }

            state ??= AddState(key, keyHash);
            state.Entries = [.. state.Entries, entry];
            Tree.Toggle(state.Hash, entry.Dot);
            Context.Add(entry.Dot);
            Clock.Observe(entry.Timestamp);
            changed = true;
        }

        foreach (var dot in dead)
        {
            changed |= Context.Add(dot);
        }

        if (state is not null && state.Entries.Length == 0)
        {
            _keys.Remove(key);
            Unlink(state);
        }

        Report(state, before, diffs);
        return changed;
    }

    /// <summary>Full-state join with another replica's map (both states and contexts).</summary>
    public void Join(AwLwwMap<TKey, TValue> other, List<Diff<TKey, TValue>>? diffs = null)
    {
        ArgumentNullException.ThrowIfNull(other);

        // s1 ∖ c2: drop local entries the other has seen but no longer holds.
        List<Dot>? drop = null;
        foreach (var state in _keys.Values.ToList())
        {
            other._keys.TryGetValue(state.Key, out var theirs);
            drop?.Clear();
            foreach (var entry in state.Entries)
            {
                if (other.Context.Contains(entry.Dot) && (theirs is null || !theirs.Holds(entry.Dot)))
                {
                    (drop ??= []).Add(entry.Dot);
                }
            }

            if (drop is { Count: > 0 })
            {
                var before = state.Winner().Dot;
                DropDots(state, CollectionsMarshal.AsSpan(drop));
                if (state.Entries.Length == 0)
                {
                    _keys.Remove(state.Key);
                    Unlink(state);
                }

                Report(state, before, diffs);
            }
        }

        // s2 ∖ c1: add the other's entries this replica has not seen (checked against the context before the union).
        foreach (var theirs in other._keys.Values)
        {
            _keys.TryGetValue(theirs.Key, out var state);
            var before = state is null ? (Dot?)null : state.Winner().Dot;
            var added = false;
            foreach (var entry in theirs.Entries)
            {
                if (Context.Contains(entry.Dot))
                {
                    continue;
                }

                state ??= AddState(theirs.Key, theirs.Hash);
                state.Entries = [.. state.Entries, entry];
                Tree.Toggle(state.Hash, entry.Dot);
                Clock.Observe(entry.Timestamp);
                added = true;
            }

            if (added)
            {
                Report(state, before, diffs);
            }
        }

        Context.UnionWith(other.Context);
    }

    /// <summary>A deep copy (same replica id, counter and clock).</summary>
    public AwLwwMap<TKey, TValue> Clone()
    {
        var copy = new AwLwwMap<TKey, TValue>(ReplicaId, _hasher, _keys.Comparer);
        copy.Restore(_counter, Clock.Last, Context, _keys.Values.Select(s => (s.Key, s.Hash, (IReadOnlyList<Entry<TValue>>)s.Entries)));
        return copy;
    }

    /// <summary>
    /// Loads stored state into an empty map: the counter and clock to resume from, the context, and the entries.
    /// Used to restore a replica from storage under its old id.
    /// </summary>
    internal void Restore(ulong counter, HlcTimestamp clock, CausalContext context, IEnumerable<(TKey Key, ulong Hash, IReadOnlyList<Entry<TValue>> Entries)> keys)
    {
        if (_keys.Count != 0 || _counter != 0)
        {
            throw new InvalidOperationException("Restore needs an empty map.");
        }

        Context.UnionWith(context);
        _counter = Math.Max(counter, Context.MaxCounter(ReplicaId));
        Clock = new HybridLogicalClock(ReplicaId, clock.Physical, clock.Logical) { MaxDriftMs = Clock.MaxDriftMs };
        foreach (var (key, hash, entries) in keys)
        {
            if (entries.Count == 0)
            {
                continue;
            }

            var state = AddState(key, hash);
            state.Entries = [.. entries];
            foreach (var entry in entries)
            {
                Tree.Toggle(hash, entry.Dot);
                Context.Add(entry.Dot);
                Clock.Observe(entry.Timestamp);
            }
        }
    }

    /// <summary>Whether both maps hold the same entries and the same context (replica id and clock aside).</summary>
    internal bool StateEquals(AwLwwMap<TKey, TValue> other)
    {
        if (_keys.Count != other._keys.Count || !Context.SetEquals(other.Context))
        {
            return false;
        }

        foreach (var state in _keys.Values)
        {
            if (!other._keys.TryGetValue(state.Key, out var theirs) || theirs.Entries.Length != state.Entries.Length)
            {
                return false;
            }

            foreach (var entry in state.Entries)
            {
                if (!theirs.Entries.Contains(entry))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The keys of one leaf whose hash lies in [<paramref name="low"/>, <paramref name="high"/>], in no order.</summary>
    internal IEnumerable<KeyState<TKey, TValue>> KeysInLeaf(int leaf, ulong low, ulong high)
    {
        for (var state = _leaves[leaf]; state is not null; state = state.Next)
        {
            if (state.Hash >= low && state.Hash <= high)
            {
                yield return state;
            }
        }
    }

    /// <summary>The first key of a leaf's list (the rest follow by <see cref="KeyState{TKey, TValue}.Next"/>), in no order.</summary>
    internal KeyState<TKey, TValue>? FirstInLeaf(int leaf) => _leaves[leaf];

    internal bool TryGetState(TKey key, out KeyState<TKey, TValue> state) => _keys.TryGetValue(key, out state!);

    internal IEnumerable<KeyState<TKey, TValue>> States => _keys.Values;

    private bool DropDots(KeyState<TKey, TValue> state, ReadOnlySpan<Dot> dots)
    {
        var kept = 0;
        var entries = state.Entries;
        Span<bool> keep = entries.Length <= 64 ? stackalloc bool[entries.Length] : new bool[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            keep[i] = !dots.Contains(entries[i].Dot);
            if (keep[i])
            {
                kept++;
            }
            else
            {
                Tree.Toggle(state.Hash, entries[i].Dot);
            }
        }

        if (kept == entries.Length)
        {
            return false;
        }

        var next = new Entry<TValue>[kept];
        for (int i = 0, j = 0; i < entries.Length; i++)
        {
            if (keep[i])
            {
                next[j++] = entries[i];
            }
        }

        state.Entries = next;
        return true;
    }

    private KeyState<TKey, TValue> AddState(TKey key, ulong hash)
    {
        var state = NewState(key, hash);
        _keys.Add(key, state);
        return state;
    }

    private KeyState<TKey, TValue> NewState(TKey key, ulong hash)
    {
        var state = new KeyState<TKey, TValue>(key, hash);
        var leaf = HashTree.LeafOf(hash);
        state.Next = _leaves[leaf];
        if (state.Next is not null)
        {
            state.Next.Previous = state;
        }

        _leaves[leaf] = state;
        return state;
    }

    private void Unlink(KeyState<TKey, TValue> state)
    {
        if (state.Previous is not null)
        {
            state.Previous.Next = state.Next;
        }
        else
        {
            _leaves[HashTree.LeafOf(state.Hash)] = state.Next;
        }

        if (state.Next is not null)
        {
            state.Next.Previous = state.Previous;
        }

        state.Next = state.Previous = null;
    }

    private static void Report(KeyState<TKey, TValue>? state, Dot? before, List<Diff<TKey, TValue>>? diffs)
    {
        if (diffs is null || state is null)
        {
            return;
        }

        if (state.Entries.Length == 0)
        {
            if (before is not null)
            {
                diffs.Add(new Diff<TKey, TValue>(DiffKind.Remove, state.Key, default));
            }

            return;
        }

        var winner = state.Winner();
        if (before != winner.Dot)
        {
            diffs.Add(new Diff<TKey, TValue>(DiffKind.Add, state.Key, winner.Value));
        }
    }
}
