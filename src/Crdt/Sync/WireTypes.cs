using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>A dot on the wire.</summary>
/// <param name="Replica">The replica that created it.</param>
/// <param name="Counter">Its counter.</param>
[MessagePackObject]
public sealed record WireDot([property: Key(0)] ulong Replica, [property: Key(1)] ulong Counter);

/// <summary>An entry on the wire: its dot, its timestamp (the replica part is the dot's) and the encoded value.</summary>
/// <param name="Replica">The writing replica (dot and timestamp tie breaker).</param>
/// <param name="Counter">The dot counter.</param>
/// <param name="Physical">Timestamp, physical part.</param>
/// <param name="Logical">Timestamp, logical part.</param>
/// <param name="Value">The value, MessagePack-encoded with the replica's serializer options.</param>
[MessagePackObject]
public sealed record WireEntry(
    [property: Key(0)] ulong Replica,
    [property: Key(1)] ulong Counter,
    [property: Key(2)] long Physical,
    [property: Key(3)] uint Logical,
    [property: Key(4)] byte[] Value);

/// <summary>
/// A key-scoped delta on the wire: the encoded key, entries the sender holds for it, and dots of the key the
/// sender knows are dead. The receiver records as seen only these dots.
/// </summary>
/// <param name="Key">The key, MessagePack-encoded; its XxHash3 places it in the hash tree.</param>
/// <param name="Entries">Entries for the key.</param>
/// <param name="Dead">Dots of the key seen and removed.</param>
[MessagePackObject]
public sealed record WireKey([property: Key(0)] byte[] Key, [property: Key(1)] WireEntry[] Entries, [property: Key(2)] WireDot[] Dead);

/// <summary>An inclusive range of key hashes.</summary>
/// <param name="Low">First hash in the range.</param>
/// <param name="High">Last hash in the range.</param>
[MessagePackObject]
public sealed record WireRange([property: Key(0)] ulong Low, [property: Key(1)] ulong High);

/// <summary>A causal context on the wire: the version vector as parallel arrays, and the dot cloud.</summary>
/// <param name="Replicas">Replica ids of the version vector.</param>
/// <param name="Counters">Contiguous counters, one per replica id.</param>
/// <param name="Cloud">Dots beyond the contiguous prefix.</param>
[MessagePackObject]
public sealed record WireContext([property: Key(0)] ulong[] Replicas, [property: Key(1)] ulong[] Counters, [property: Key(2)] WireDot[] Cloud)
{
    /// <summary>Encodes <paramref name="context"/>.</summary>
    public static WireContext From(CausalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var replicas = new ulong[context.VersionVector.Count];
        var counters = new ulong[replicas.Length];
        var i = 0;
        foreach (var (replica, counter) in context.VersionVector)
        {
            replicas[i] = replica;
            counters[i++] = counter;
        }

        return new WireContext(replicas, counters, [.. context.Cloud.Select(d => new WireDot(d.Replica, d.Counter))]);
    }

    /// <summary>Decodes into a new context; throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public CausalContext ToContext()
    {
        if (Replicas is null || Counters is null || Cloud is null || Replicas.Length != Counters.Length)
        {
            throw new InvalidDataException("Malformed causal context.");
        }

        var context = new CausalContext();
        for (var i = 0; i < Replicas.Length; i++)
        {
            if (Counters[i] > 0)
            {
                context.SetPrefix(Replicas[i], Counters[i]);
            }
        }

        foreach (var dot in Cloud)
        {
            if (dot is null || dot.Counter == 0)
            {
                throw new InvalidDataException("Malformed dot.");
            }

            context.Add(new Dot(dot.Replica, dot.Counter));
        }

        return context;
    }
}
