namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Which neighbours have acknowledged a write's deltas: the host marks the outboxes before the write, tracks what
/// the write queued after it, and asks as acknowledgements arrive (for writes that wait for a durability level).
/// </summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    /// <summary>The sequence number each neighbour's next delta will get.</summary>
    internal Dictionary<ulong, ulong> MarkOutboxes()
    {
        var marks = new Dictionary<ulong, ulong>(_outboxes.Count);
        foreach (var (peer, outbox) in _outboxes)
        {
            marks[peer] = outbox.NextSeq;
        }

        return marks;
    }

    /// <summary>The deltas queued since <paramref name="marks"/>, per neighbour.</summary>
    internal List<AckTracker> TrackSince(Dictionary<ulong, ulong> marks)
    {
        var trackers = new List<AckTracker>();
        foreach (var (peer, outbox) in _outboxes)
        {
            if (marks.TryGetValue(peer, out var from) && outbox.NextSeq > from)
            {
                trackers.Add(new AckTracker(peer, outbox, outbox.Generation, from, outbox.NextSeq - 1));
            }
        }

        return trackers;
    }

    /// <summary>How many of the neighbours that are still neighbours have acknowledged every delta tracked.</summary>
    internal (int Acknowledged, int Of) CountAcknowledged(List<AckTracker> trackers)
    {
        var (acknowledged, of) = (0, 0);
        foreach (var tracker in trackers)
        {
            if (!_outboxes.TryGetValue(tracker.Peer, out var outbox) || outbox != tracker.Outbox)
            {
                continue; // no longer a neighbour: "every current neighbour" no longer includes it
            }

            of++;
            if (outbox.Generation == tracker.Generation)
            {
                tracker.Next = outbox.FirstUnacknowledged(tracker.Next, tracker.Last);
                if (tracker.Next > tracker.Last)
                {
                    acknowledged++;
                }
            }
        }

        return (acknowledged, of);
    }
}

/// <summary>One neighbour's share of a write: the deltas numbered <see cref="Next"/> to <see cref="Last"/> still to be acknowledged.</summary>
internal sealed class AckTracker(ulong peer, Outbox outbox, int generation, ulong next, ulong last)
{
    public ulong Peer { get; } = peer;

    public Outbox Outbox { get; } = outbox;

    public int Generation { get; } = generation;

    public ulong Last { get; } = last;

    public ulong Next { get; set; } = next;
}
