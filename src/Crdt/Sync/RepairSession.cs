namespace Horde.Net.Crdt.Sync;

/// <summary>One side's state of repairing the hash ranges found to differ with one peer.</summary>
internal sealed class RepairSession(ulong id, long startedMs)
{
    public ulong Id { get; } = id;

    public long StartedMs { get; } = startedMs;

    /// <summary>Ranges still to push, in order.</summary>
    public LinkedList<WireRange> Pending { get; } = new();

    /// <summary>The ranges of the push awaiting its reply, or null.</summary>
    public WireRange[]? InFlight { get; set; }

    public long LastActivityMs { get; set; } = startedMs;
}
