namespace Horde.Net.Crdt.Sync;

/// <summary>Running totals of one replica's sync work (the simulation and metrics read them).</summary>
public sealed class SyncStats
{
    /// <summary>Messages handed to the transport.</summary>
    public long MessagesSent { get; internal set; }

    /// <summary>Messages received and handled.</summary>
    public long MessagesReceived { get; internal set; }

    /// <summary>Key deltas or key contents sent (deltas, repairs).</summary>
    public long KeysSent { get; internal set; }

    /// <summary>Key deltas or key contents received.</summary>
    public long KeysReceived { get; internal set; }

    /// <summary>Calls of <c>OnTick</c>: how often the host woke the replica (an idle replica process wakes only for its rounds).</summary>
    public long Ticks { get; internal set; }

    /// <summary>Anti-entropy rounds started (root hashes sent).</summary>
    public long Rounds { get; internal set; }

    /// <summary>Repair sessions started (ranges found to differ).</summary>
    public long RepairSessions { get; internal set; }

    /// <summary>Messages dropped because their sender is not a neighbour (never was, or was removed).</summary>
    public long FromNonNeighbours { get; internal set; }

    /// <summary>Messages rejected as malformed.</summary>
    public long Malformed { get; internal set; }

    /// <summary>Times a <c>Changed</c> handler threw (logged; the change stood).</summary>
    public long HandlerFailures { get; internal set; }

    /// <summary>Remote timestamps too far ahead of the local wall clock for the local clock to follow (the entries were kept).</summary>
    public long ClockDriftRefusals { get; internal set; }
}
