using System.Numerics;

namespace Horde.Net.Crdt;

/// <summary>
/// One replica's dots seen beyond the contiguous prefix of its counters, as 64-bit words of a bitmap keyed by
/// counter / 64. A fresh replica repaired in hash order sees a writer's dots in random order, so its cloud grows to
/// most of the writer's counters before the prefix catches up: as words that costs a bit per dot instead of a hash-set
/// entry, and folding into the prefix takes a word at a time. Sparse dots cost one word each, no more than a set entry.
/// </summary>
internal sealed class DotCloud
{
    private readonly Dictionary<ulong, ulong> _words = [];

    /// <summary>Dots held.</summary>
    public int Count { get; private set; }

    public bool Contains(ulong counter) => _words.TryGetValue(counter >> 6, out var bits) && (bits & Bit(counter)) != 0;

    /// <summary>Adds a counter; false if it was there.</summary>
    public bool Add(ulong counter)
    {
        ref var bits = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_words, counter >> 6, out _);
        var bit = Bit(counter);
        if ((bits & bit) != 0)
        {
            return false;
        }

        bits |= bit;
        Count++;
        return true;
    }

    /// <summary>
    /// Moves the run of counters right after <paramref name="prefix"/> out of the cloud and returns the prefix extended
    /// over them.
    /// </summary>
    public ulong Fold(ulong prefix)
    {
        while (Count > 0)
        {
            var next = prefix + 1;
            var word = next >> 6;
            if (!_words.TryGetValue(word, out var bits))
            {
                break;
            }

            var shift = (int)(next & 63);
            var run = BitOperations.TrailingZeroCount(~(bits >> shift)); // counters present from next on, within the word
            if (run == 0)
            {
                break;
            }

            run = Math.Min(run, 64 - shift);
            var taken = run == 64 ? ulong.MaxValue : ((1UL << run) - 1) << shift;
            Remove(word, bits & ~taken, run);
            prefix += (ulong)run;
            if (shift + run < 64)
            {
                break;
            }
        }

        return prefix;
    }

    /// <summary>Drops every counter up to <paramref name="prefix"/> (now covered by the prefix).</summary>
    public void DropUpTo(ulong prefix)
    {
        var last = prefix >> 6;
        foreach (var (word, bits) in _words.ToList())
        {
            if (word < last)
            {
                Remove(word, 0, BitOperations.PopCount(bits));
            }
            else if (word == last)
            {
                var kept = (prefix & 63) == 63 ? 0 : bits & (ulong.MaxValue << (int)((prefix & 63) + 1));
                Remove(word, kept, BitOperations.PopCount(bits & ~kept));
            }
        }
    }

    public ulong Max()
    {
        ulong max = 0;
        foreach (var (word, bits) in _words)
        {
            max = Math.Max(max, (word << 6) + (ulong)(63 - BitOperations.LeadingZeroCount(bits)));
        }

        return max;
    }

    public IEnumerable<ulong> Counters()
    {
        foreach (var (word, bits) in _words)
        {
            for (var rest = bits; rest != 0; rest &= rest - 1)
            {
                yield return (word << 6) + (ulong)BitOperations.TrailingZeroCount(rest);
            }
        }
    }

    private static ulong Bit(ulong counter) => 1UL << (int)(counter & 63);

    private void Remove(ulong word, ulong kept, int removed)
    {
        if (kept == 0)
        {
            _words.Remove(word);
        }
        else
        {
            _words[word] = kept;
        }

        Count -= removed;
    }
}
