using Proto;

namespace Horde.Net.Benchmarks.Local;

/// <summary>Proto.Actor sender of the credit-window workload.</summary>
public sealed class ProtoSender(PID receiver) : IActor
{
    private readonly CreditWindowSender _window = new();

    /// <inheritdoc />
    public Task ReceiveAsync(IContext context)
    {
        var n = context.Message switch
        {
            Ack => _window.OnAck(),
            StartSending start => _window.Start(start),
            _ => 0,
        };
        for (var i = 0; i < n; i++)
            context.Send(receiver, Payload.Instance);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Proto.Actor receiver of the credit-window workload. Proto's plain Send carries no sender,
/// so the sender's pid is given once up front (as a Horde.Net process would hold a pid).
/// </summary>
public sealed class ProtoReceiver : IActor
{
    private readonly CreditWindowReceiver _window = new();
    private PID? _ackTo;

    /// <inheritdoc />
    public Task ReceiveAsync(IContext context)
    {
        switch (context.Message)
        {
            case Payload when _window.OnMessage():
                context.Send(_ackTo!, Ack.Instance);
                break;
            case PID ackTo:
                _ackTo = ackTo;
                break;
        }
        return Task.CompletedTask;
    }
}

/// <summary>Proto.Actor call target: replies Pong to Ping.</summary>
public sealed class ProtoEcho : IActor
{
    /// <inheritdoc />
    public Task ReceiveAsync(IContext context)
    {
        if (context.Message is Ping)
            context.Respond(Pong.Instance);
        return Task.CompletedTask;
    }
}
