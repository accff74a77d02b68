namespace Horde.Net.Crdt.Sync;

/// <summary>One side's state of repairing the hash ranges found to differ with one peer.</summary>
internal sealed class RepairSession(long startedMs)
{
    public long StartedMs { get; } = startedMs;

    /// <summary>Ranges still to push, in order.</summary>
    public LinkedList<WireRange> Pending { get; } = new();

    /// <summary>Every leaf this session took on, so a second walk that finds the same leaves adds nothing.</summary>
    public HashSet<int> Leaves { get; } = [];

    /// <summary>Pushes awaiting their reply: push id to the ranges it covered.</summary>
    public Dictionary<ulong, WireRange[]> InFlight { get; } = [];

    public long LastActivityMs { get; set; } = startedMs;

    /// <summary>
    /// Whether every leaf taken on was one the peer holds nothing in (its hash there was 0): then the peer has nothing
    /// to send back, and pushes may carry up to <see cref="ReplicaOptions.MaxBulkSyncSize"/> keys.
    /// </summary>
    public bool PeerEmpty { get; set; } = true;
}
