namespace Horde.Net.Crdt;

/// <summary>What happened to a key's visible value.</summary>
public enum DiffKind
{
    /// <summary>The key now reads as a (new) value.</summary>
    Add,

    /// <summary>The key is no longer present.</summary>
    Remove,
}

/// <summary>A change of a key's visible value, as seen by subscribers: <c>add k v</c> or <c>remove k</c>.</summary>
/// <typeparam name="TKey">The map's key type.</typeparam>
/// <typeparam name="TValue">The map's value type.</typeparam>
/// <param name="Kind">Add (new or replaced value) or remove.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The new value for <see cref="DiffKind.Add"/>; default for <see cref="DiffKind.Remove"/>.</param>
public readonly record struct Diff<TKey, TValue>(DiffKind Kind, TKey Key, TValue? Value);
