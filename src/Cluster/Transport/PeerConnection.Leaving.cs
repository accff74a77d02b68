using Horde.Net.Cluster.Transport.Protocol;

namespace Horde.Net.Cluster.Transport;

// The Leaving frame both ways: this node announcing its drain, and the peer announcing its own.
internal sealed partial class PeerConnection
{
    /// <summary>The longest drain a peer may announce; a larger value is taken as this.</summary>
    private static readonly TimeSpan MaxAnnouncedDrain = TimeSpan.FromHours(1);

    private TaskCompletionSource? _leavingWritten; // an announcement the writer has not written yet while not completed
    private long _peerDrainEnds; // Environment.TickCount64 when the peer's announced drain ends; 0 while it is not leaving

    /// <summary>The peer announced that it is leaving; it stays connected until its goodbye.</summary>
    public bool PeerLeaving => Volatile.Read(ref _peerDrainEnds) != 0;

    /// <summary>The peer is leaving and the drain it announced has not run out yet.</summary>
    public bool PeerDraining => Volatile.Read(ref _peerDrainEnds) is var ends && ends != 0 && Environment.TickCount64 < ends;

    /// <summary>
    /// Tells the peer that this node is leaving: the writer sends a Leaving frame with the drain time left. Completes
    /// once that frame was written (or the connection closed, when the goodbye says more). Announcing twice sends one frame.
    /// </summary>
    public Task AnnounceLeavingAsync()
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _leavingWritten, written, null) is { } earlier)
            return earlier.Task;
        // Wakes the writer (it sends a heartbeat too). Refused only when closing, where the goodbye says more, or
        // when the outbox is full, where the writer is busy and takes the announcement before its next batch.
        if (!_outbox.Writer.TryWrite(default) && IsClosed)
            written.TrySetResult();
        return written.Task;
    }

    /// <summary>The Leaving frame to write now, if an announcement waits for one.</summary>
    private bool TryTakeLeaving(out Frame frame, out TaskCompletionSource written)
    {
        written = Volatile.Read(ref _leavingWritten)!;
        frame = null!;
        if (written is null || written.Task.IsCompleted)
            return false;
        // Until the goodbye: what is left of the drain and the bounded stop phases after it.
        frame = new Frame { Leaving = new Leaving { DrainMs = (ulong)(_node.DrainRemaining + _node.StopBound).TotalMilliseconds } };
        return true;
    }

    private void OnPeerLeaving(Leaving leaving)
    {
        var drain = TimeSpan.FromMilliseconds(Math.Min(leaving.DrainMs, (ulong)MaxAnnouncedDrain.TotalMilliseconds));
        // Kept a failure threshold longer than announced: a goodbye written on time may still be on its way, or the
        // leaving node's CPU busy, and cutting it off then would report a clean leave as a disconnect.
        var kept = drain + _node.Options.FailureThreshold;
        var first = Interlocked.Exchange(ref _peerDrainEnds, Math.Max(1, Environment.TickCount64 + (long)kept.TotalMilliseconds)) == 0;
        if (first)
            _transport.OnPeerLeaving(this, drain);
    }

    /// <summary>Nobody waits for an announcement on a closed connection.</summary>
    private void ReleaseLeaving() => Volatile.Read(ref _leavingWritten)?.TrySetResult();
}
