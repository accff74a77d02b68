namespace Horde.Net.Crdt;

/// <summary>
/// A unique event identifier: the replica that made a write and that replica's counter at the time.
/// Counters start at 1, so a version vector entry of 0 means "nothing seen".
/// </summary>
/// <param name="Replica">The replica incarnation that created the write.</param>
/// <param name="Counter">The replica's per-write counter, starting at 1.</param>
public readonly record struct Dot(ulong Replica, ulong Counter)
{
    /// <inheritdoc />
    public override string ToString() => $"{Replica:x16}:{Counter}";
}
