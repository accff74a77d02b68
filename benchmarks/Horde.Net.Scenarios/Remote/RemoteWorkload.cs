namespace Horde.Net.Scenarios.Remote;

/// <summary>
/// The remote one-way workload, the same shape as the local benchmark's: a sender keeps at most
/// <see cref="Window"/> messages unacknowledged; the receiver acks every <see cref="AckEvery"/>.
/// </summary>
public static class RemoteWorkload
{
    /// <summary>Most messages a sender may have in flight.</summary>
    public const int Window = 1_000;

    /// <summary>The receiver acknowledges this many messages at once.</summary>
    public const int AckEvery = 100;

    /// <summary>Longest any single call may take before the run is declared broken.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Name of the one-way receiver on the serving node.</summary>
    public const string ReceiverName = "receiver";

    /// <summary>Name of the call target on the serving node.</summary>
    public const string EchoName = "echo";
}

/// <summary>The sender side of the credit window, shared by every library's sender actor.</summary>
public sealed class CreditWindow
{
    private long _total;
    private long _sent;
    private long _acked;
    private TaskCompletionSource? _done;

    /// <summary>Sequence number of the next message to send.</summary>
    public long NextSeq => _sent;

    /// <summary>Begins a run of <paramref name="messages"/>; returns how many to send now.</summary>
    public int Start(long messages, TaskCompletionSource done)
    {
        _total = messages;
        _sent = 0;
        _acked = 0;
        _done = done;
        return TopUp();
    }

    /// <summary>Records an ack of <paramref name="count"/>; returns how many to send now.</summary>
    public int OnAck(int count)
    {
        _acked += count;
        if (_acked >= _total)
        {
            _done?.TrySetResult();
            _done = null;
            return 0;
        }
        return TopUp();
    }

    /// <summary>Counts one message as sent.</summary>
    public void MarkSent() => _sent++;

    private int TopUp() => (int)Math.Min(RemoteWorkload.Window - (_sent - _acked), _total - _sent);
}

/// <summary>Asks a sender actor to run the workload; completes <paramref name="Done"/> when all are acked.</summary>
public sealed record RunOneWay(long Messages, TaskCompletionSource Done);
