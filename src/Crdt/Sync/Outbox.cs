namespace Horde.Net.Crdt.Sync;

/// <summary>
/// The key deltas queued for one neighbour, numbered so the neighbour can acknowledge them, and kept until it
/// does. Bounded: past the limit the queue is dropped and the neighbour marked for repair by anti-entropy.
/// </summary>
internal sealed class Outbox(ulong firstSeq, int limit)
{
    private readonly List<WireKey> _items = [];
    private readonly List<bool> _acked = [];
    private int _head;
    private int _sent;
    private ulong _headSeq = firstSeq;
    private int _backoff = 1;
    private bool _progressed;

    /// <summary>Deltas queued but not acknowledged.</summary>
    public int Outstanding => _items.Count - _head;

    /// <summary>Set when deltas were dropped; anti-entropy must run with this neighbour.</summary>
    public bool NeedsRepair { get; set; }

    public long LastSendMs { get; private set; }

    /// <summary>The number the next delta queued will get.</summary>
    public ulong NextSeq => _headSeq + (ulong)(_items.Count - _head);

    /// <summary>Counts the times the queue was dropped: deltas queued before a drop will never be acknowledged.</summary>
    public int Generation { get; private set; }

    /// <summary>The first delta from <paramref name="from"/> to <paramref name="last"/> not yet acknowledged, or <paramref name="last"/> + 1.</summary>
    public ulong FirstUnacknowledged(ulong from, ulong last)
    {
        for (var seq = Math.Max(from, _headSeq); seq <= last; seq++)
        {
            var index = _head + (int)(seq - _headSeq);
            if (index >= _sent || !_acked[index])
            {
                return seq;
            }
        }

        return last + 1;
    }

    /// <summary>Queues a delta; returns false (and drops the queue) when the limit is reached.</summary>
    public bool Add(WireKey delta)
    {
        if (Outstanding >= limit)
        {
            Clear();
            NeedsRepair = true;
            return false;
        }

        _items.Add(delta);
        _acked.Add(false);
        return true;
    }

    /// <summary>
    /// Sends what was never sent, in batches of at most <paramref name="batchSize"/> keys. With
    /// <paramref name="holdWhileInFlight"/>, less than a full batch waits while an earlier send is unacknowledged: the
    /// acknowledgement releases it, so deltas queued during one round trip leave together, and batches grow with the
    /// write rate instead of one message per write (a lost acknowledgement is covered by <see cref="Resend"/>).
    /// </summary>
    public int SendNew(ulong to, int batchSize, long nowMs, Action<ulong, SyncMessage> send, bool holdWhileInFlight = false, ulong[]? senderNeighbours = null)
    {
        if (holdWhileInFlight && _head < _sent && _items.Count - _sent < batchSize)
        {
            return 0;
        }

        var count = SendRange(_sent, _items.Count, to, batchSize, send, senderNeighbours);
        if (count > 0)
        {
            _sent = _items.Count;
            LastSendMs = nowMs;
        }

        return count;
    }

    /// <summary>Whether deltas are queued that were never sent (the next flush ships them).</summary>
    public bool HasUnsent => _sent < _items.Count;

    /// <summary>When <see cref="Resend"/> next has something to do: never while everything sent is acknowledged.</summary>
    public long NextResendMs(int resendAfterMs) => _head == _sent ? long.MaxValue : LastSendMs + ((long)resendAfterMs * _backoff);

    /// <summary>
    /// Sends again everything sent but not acknowledged, once the last send is older than
    /// <paramref name="resendAfterMs"/>; the wait doubles (up to 32 times) while no acknowledgement comes, so a
    /// silent neighbour is not flooded.
    /// </summary>
    public int Resend(ulong to, int batchSize, long nowMs, int resendAfterMs, Action<ulong, SyncMessage> send, ulong[]? senderNeighbours = null)
    {
        if (_head == _sent || nowMs - LastSendMs < (long)resendAfterMs * _backoff)
        {
            return 0;
        }

        if (_progressed)
        {
            // Acknowledgements are still coming in (a large burst takes a while to cross): wait from now rather than
            // send the whole unacknowledged tail again on top of itself.
            _progressed = false;
            LastSendMs = nowMs;
            return 0;
        }

        LastSendMs = nowMs;
        _backoff = Math.Min(_backoff * 2, 32);
        return SendRange(_head, _sent, to, batchSize, send, senderNeighbours);
    }

    /// <summary>
    /// The neighbour spoke: if it had gone quiet (the wait has backed off), resend at the next tick rather than after
    /// the backed-off wait. A neighbour that had not yet counted this replica as its neighbour dropped the deltas
    /// unread; its first message says it now does.
    /// </summary>
    public void Heard()
    {
        if (_backoff > 1)
        {
            _backoff = 1;
            LastSendMs = long.MinValue / 2;
        }
    }

    /// <summary>Marks the deltas numbered <paramref name="first"/> to <paramref name="last"/> received; returns how many were newly acknowledged.</summary>
    public int Acknowledge(ulong first, ulong last)
    {
        var newlyAcked = 0;
        var sentEnd = _headSeq + (ulong)(_sent - _head);
        for (var seq = Math.Max(first, _headSeq); seq <= last && seq < sentEnd; seq++)
        {
            var index = _head + (int)(seq - _headSeq);
            if (!_acked[index])
            {
                _acked[index] = true;
                newlyAcked++;
            }
        }

        if (newlyAcked > 0)
        {
            _backoff = 1;
            _progressed = true;
        }

        while (_head < _sent && _acked[_head])
        {
            _head++;
            _headSeq++;
        }

        if (_head > 1024 && _head > _items.Count / 2)
        {
            _items.RemoveRange(0, _head);
            _acked.RemoveRange(0, _head);
            _sent -= _head;
            _head = 0;
        }

        return newlyAcked;
    }

    /// <summary>Drops everything queued.</summary>
    public int Clear()
    {
        var dropped = Outstanding;
        Generation++;
        _headSeq += (ulong)dropped;
        _items.Clear();
        _acked.Clear();
        _head = _sent = 0;
        return dropped;
    }

    private int SendRange(int from, int to, ulong peer, int batchSize, Action<ulong, SyncMessage> send, ulong[]? senderNeighbours)
    {
        var count = 0;
        for (var start = from; start < to; start += batchSize)
        {
            var length = Math.Min(batchSize, to - start);
            send(peer, new DeltaBatch(_headSeq + (ulong)(start - _head), _items.GetRange(start, length).ToArray(), senderNeighbours));
            count += length;
        }

        return count;
    }
}
