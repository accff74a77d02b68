using Horde.Net.Cluster;

namespace Horde.Net.Benchmarks.Local;

/// <summary>Horde.Net sender of the credit-window workload.</summary>
public sealed class HordeSender(Pid receiver) : HordeProcess
{
    private readonly CreditWindowSender _window = new();

    /// <inheritdoc />
    protected override ValueTask HandleCastAsync(object message)
    {
        var n = message switch
        {
            Ack => _window.OnAck(),
            StartSending start => _window.Start(start),
            _ => 0,
        };
        for (var i = 0; i < n; i++)
            receiver.Cast(Payload.Instance);
        return default;
    }
}

/// <summary>Horde.Net receiver of the credit-window workload; told its sender's pid once, up front.</summary>
public sealed class HordeReceiver : HordeProcess
{
    private readonly CreditWindowReceiver _window = new();
    private Pid? _ackTo;

    /// <inheritdoc />
    protected override ValueTask HandleCastAsync(object message)
    {
        switch (message)
        {
            case Payload when _window.OnMessage():
                _ackTo!.Cast(Ack.Instance);
                break;
            case Pid ackTo:
                _ackTo = ackTo;
                break;
        }
        return default;
    }
}

/// <summary>Horde.Net call target: replies Pong to Ping.</summary>
public sealed class HordeEcho : HordeProcess
{
    /// <inheritdoc />
    protected override ValueTask<object?> HandleCallAsync(object message) =>
        message is Ping ? Reply(Pong.Instance) : Unhandled(message);
}
