namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Which neighbours have acknowledged a write's deltas: the host marks the outboxes before the write, tracks what
/// the write queued after it, and asks as acknowledgements arrive (for writes that wait for a durability level).
/// </summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    private readonly List<(ulong Peer, Outbox Outbox, ulong Next)> _marks = []; // scratch of MarkOutboxes, read by TrackSince

    /// <summary>
    /// Counts the acknowledgements that arrived and the neighbour changes: a write's waiter can only complete after it
    /// moved, so the host need not look at its waiters otherwise.
    /// </summary>
    internal long AckVersion { get; private set; }

    /// <summary>Notes the sequence number each neighbour's next delta will get, for the <see cref="TrackSince"/> that follows.</summary>
    internal void MarkOutboxes()
    {
        _marks.Clear();
        foreach (var (peer, outbox) in _outboxes)
        {
            _marks.Add((peer, outbox, outbox.NextSeq));
        }
    }

    /// <summary>The deltas queued since the last <see cref="MarkOutboxes"/>, per neighbour.</summary>
    internal List<AckTracker> TrackSince()
    {
        var trackers = new List<AckTracker>(_marks.Count);
        foreach (var (peer, marked, from) in _marks)
        {
            if (_outboxes.TryGetValue(peer, out var outbox) && outbox == marked && outbox.NextSeq > from)
            {
                trackers.Add(new AckTracker(peer, outbox, outbox.Generation, from, outbox.NextSeq - 1));
            }
        }

        _marks.Clear();
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
