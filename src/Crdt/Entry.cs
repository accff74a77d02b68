namespace Horde.Net.Crdt;

/// <summary>One write of a value to a key: the dot that identifies it and the timestamp that orders it.</summary>
/// <typeparam name="TValue">The map's value type.</typeparam>
/// <param name="Dot">Identifies this write uniquely across the cluster.</param>
/// <param name="Timestamp">Orders this write against concurrent ones; the newest wins reads.</param>
/// <param name="Value">The value written.</param>
public readonly record struct Entry<TValue>(Dot Dot, HlcTimestamp Timestamp, TValue Value);
