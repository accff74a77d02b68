using System.Collections.Concurrent;

namespace Horde.Net.Cluster;

/// <summary>
/// A process's queue of envelopes: any thread writes, the process reads. Once closed it takes no more; a write that
/// raced with the close is still seen by whoever drains after it (the queue allows concurrent readers).
/// </summary>
/// <remarks>
/// A <see cref="ConcurrentQueue{T}"/> grows its ring to the deepest backlog it saw (up to a million slots, 40 MB of
/// envelopes) and keeps it, so a process that drained one burst would hold that memory while idle. When a drain
/// follows a deep backlog, the mailbox freezes the ring (a snapshot stops enqueues into it) and passes one marker
/// through: the marker starts a fresh, small segment, and taking it moves the queue's head off the old ring, which the
/// GC then takes. Order and thread safety are the queue's own; a process whose backlog stays shallow never pays this.
/// </remarks>
internal sealed class Mailbox
{
    /// <summary>A backlog this deep (about 10 KB of slots) is worth giving back once drained.</summary>
    internal const int TrimDepth = 256;

    private const int SampleEvery = 64;
    private static readonly object Marker = new();

    private readonly ConcurrentQueue<Envelope> _queue = new();
    private volatile bool _closed;

    // Heuristics only: read by whoever drains, so a lost update costs at most one late or early trim.
    private int _readsUntilSample;
    private int _deepestBacklog;

    public bool IsClosed => _closed;

    public bool IsEmpty => _queue.IsEmpty;

    public bool TryWrite(in Envelope envelope)
    {
        if (_closed)
            return false;
        _queue.Enqueue(envelope);
        return true;
    }

    public bool TryRead(out Envelope envelope)
    {
        while (_queue.TryDequeue(out envelope))
        {
            if (ReferenceEquals(envelope.Message, Marker))
                continue;
            if (--_readsUntilSample <= 0)
            {
                // The backlog shrinks by at most SampleEvery between samples, so the deepest one is never missed by more.
                _readsUntilSample = SampleEvery;
                _deepestBacklog = Math.Max(_deepestBacklog, _queue.Count + 1);
            }
            return true;
        }
        if (_deepestBacklog >= TrimDepth)
            Trim();
        return false;
    }

    public void Close() => _closed = true;

    private void Trim()
    {
        _deepestBacklog = 0;
        _ = _queue.ToArray(); // freezes the current ring for enqueues
        _queue.Enqueue(new Envelope(EnvelopeKind.Info, Marker)); // the next segment is the queue's smallest
    }
}
