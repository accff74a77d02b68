namespace Horde.Net.Benchmarks.Local;

/// <summary>
/// The one-way workload every library runs: a sender keeps at most <see cref="Window"/> messages
/// unacknowledged; the receiver acknowledges every <see cref="AckEvery"/> messages. The window
/// stops a fast sender from flooding a mailbox, so the figure is sustainable throughput.
/// </summary>
public static class LocalWorkload
{
    /// <summary>Most messages a sender may have in flight.</summary>
    public const int Window = 1_000;

    /// <summary>The receiver acknowledges this many messages at once.</summary>
    public const int AckEvery = 100;

    /// <summary>Messages per benchmark invocation, split evenly over the pairs.</summary>
    public const int TotalMessages = 400_000;

    /// <summary>Sequential calls per benchmark invocation.</summary>
    public const int CallsPerInvoke = 1_000;
}

/// <summary>The one-way message. One shared instance, so the figure measures delivery, not allocation.</summary>
public sealed class Payload
{
    /// <summary>The shared instance.</summary>
    public static readonly Payload Instance = new();
}

/// <summary>The receiver's acknowledgement of <see cref="LocalWorkload.AckEvery"/> messages.</summary>
public sealed class Ack
{
    /// <summary>The shared instance.</summary>
    public static readonly Ack Instance = new();
}

/// <summary>Tells a sender to send <paramref name="Messages"/> messages and complete <paramref name="Done"/> when all are acknowledged.</summary>
public sealed record StartSending(int Messages, TaskCompletionSource Done);

/// <summary>A call's request.</summary>
public sealed class Ping
{
    /// <summary>The shared instance.</summary>
    public static readonly Ping Instance = new();
}

/// <summary>A call's reply.</summary>
public sealed class Pong
{
    /// <summary>The shared instance.</summary>
    public static readonly Pong Instance = new();
}

/// <summary>
/// The sender's bookkeeping, shared by every library's sender actor so they all run the same
/// algorithm: send up to the window, top up on each ack, finish when all are acknowledged.
/// </summary>
public sealed class CreditWindowSender
{
    private int _total;
    private int _sent;
    private int _acked;
    private TaskCompletionSource? _done;

    /// <summary>Begins a run; returns how many messages to send now.</summary>
    public int Start(StartSending start)
    {
        _total = start.Messages;
        _sent = 0;
        _acked = 0;
        _done = start.Done;
        return TopUp();
    }

    /// <summary>Records an ack; returns how many messages to send now.</summary>
    public int OnAck()
    {
        _acked += LocalWorkload.AckEvery;
        if (_acked >= _total)
        {
            _done?.TrySetResult();
            _done = null;
            return 0;
        }
        return TopUp();
    }

    private int TopUp()
    {
        var n = Math.Min(LocalWorkload.Window - (_sent - _acked), _total - _sent);
        _sent += n;
        return n;
    }
}

/// <summary>The receiver's bookkeeping: true when this message completes a batch to acknowledge.</summary>
public sealed class CreditWindowReceiver
{
    private int _received;

    /// <summary>Counts one message; true when an ack is due.</summary>
    public bool OnMessage() => ++_received % LocalWorkload.AckEvery == 0;
}
