using Akka.Actor;

namespace Horde.Net.Benchmarks.Local;

/// <summary>Akka.NET sender of the credit-window workload.</summary>
public sealed class AkkaSender(IActorRef receiver) : UntypedActor
{
    private readonly CreditWindowSender _window = new();

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        var n = message switch
        {
            Ack => _window.OnAck(),
            StartSending start => _window.Start(start),
            _ => 0,
        };
        for (var i = 0; i < n; i++)
            receiver.Tell(Payload.Instance, Self);
    }
}

/// <summary>Akka.NET receiver of the credit-window workload; acks to the message's sender.</summary>
public sealed class AkkaReceiver : UntypedActor
{
    private readonly CreditWindowReceiver _window = new();

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        if (message is Payload && _window.OnMessage())
            Sender.Tell(Ack.Instance, Self);
    }
}

/// <summary>Akka.NET call target: replies Pong to Ping.</summary>
public sealed class AkkaEcho : UntypedActor
{
    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        if (message is Ping)
            Sender.Tell(Pong.Instance, Self);
    }
}
