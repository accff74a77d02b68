using System.Collections.Concurrent;

namespace Horde.Net.Cluster;

/// <summary>
/// A process's queue of envelopes: any thread writes, the process reads. Once closed it takes no more; a write that
/// raced with the close is still seen by whoever drains after it (the queue allows concurrent readers).
/// </summary>
internal sealed class Mailbox
{
    private readonly ConcurrentQueue<Envelope> _queue = new();
    private volatile bool _closed;

    public bool IsClosed => _closed;

    public bool IsEmpty => _queue.IsEmpty;

    public bool TryWrite(in Envelope envelope)
    {
        if (_closed)
            return false;
        _queue.Enqueue(envelope);
        return true;
    }

    public bool TryRead(out Envelope envelope) => _queue.TryDequeue(out envelope);

    public void Close() => _closed = true;
}
