namespace Horde.Net.Crdt;

/// <summary>What happened to a key's visible value.</summary>
public enum DiffKind
{
    /// <summary>The key now reads as a (new) value.</summary>
    Add,

    /// <summary>The key is no longer present.</summary>
    Remove,
}

/// <summary>Where a change came from.</summary>
public enum ChangeOrigin
{
    /// <summary>A write on this replica.</summary>
    Local,

    /// <summary>A delta or a repair from a neighbour.</summary>
    Neighbour,

    /// <summary>A restarted replica process whose restored state differs from what its predecessor last showed.</summary>
    Restart,
}

/// <summary>A change of a key's visible value, as seen by subscribers: <c>add k v</c> or <c>remove k</c>.</summary>
/// <typeparam name="TKey">The map's key type.</typeparam>
/// <typeparam name="TValue">The map's value type.</typeparam>
/// <param name="Kind">Add (new or replaced value) or remove.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The new value for <see cref="DiffKind.Add"/>; default for <see cref="DiffKind.Remove"/>.</param>
public readonly record struct Diff<TKey, TValue>(DiffKind Kind, TKey Key, TValue? Value)
{
    /// <summary>Whether the key had a value before this change (false for a new key).</summary>
    public bool HadPrevious { get; init; }

    /// <summary>The value replaced or removed, when <see cref="HadPrevious"/>.</summary>
    public TValue? Previous { get; init; }

    /// <summary>Whether this replica's own write made the change, or a neighbour's delta, or a restart.</summary>
    public ChangeOrigin Origin { get; init; }
}
