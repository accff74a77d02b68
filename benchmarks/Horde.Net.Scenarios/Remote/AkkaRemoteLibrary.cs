using Akka.Actor;
using Akka.Configuration;
using Horde.Net.Scenarios.Messages;

namespace Horde.Net.Scenarios.Remote;

/// <summary>Akka.Remote 1.5.74 (DotNetty TCP), default settings apart from addresses and log noise.</summary>
public sealed class AkkaRemoteLibrary : IRemoteLibrary
{
    /// <inheritdoc />
    public string Name => "akka";

    /// <inheritdoc />
    public string DisplayName => "Akka.Remote 1.5.74 (DotNetty TCP)";

    /// <inheritdoc />
    public Task<IAsyncDisposable> ServeAsync(NodeEndpoint self)
    {
        var system = StartSystem("server", self);
        system.ActorOf(Props.Create(() => new Receiver()), RemoteWorkload.ReceiverName);
        system.ActorOf(Props.Create(() => new Echo()), RemoteWorkload.EchoName);
        return Task.FromResult<IAsyncDisposable>(new Stopper(system));
    }

    /// <inheritdoc />
    public async Task<IRemoteClient> ConnectAsync(NodeEndpoint self, NodeEndpoint server)
    {
        var system = StartSystem("client", self);
        var root = $"akka.tcp://server@127.0.0.1:{server.AdvertisedPort}/user/";
        var receiver = await system.ActorSelection(root + RemoteWorkload.ReceiverName).ResolveOne(RemoteWorkload.CallTimeout);
        var echo = await system.ActorSelection(root + RemoteWorkload.EchoName).ResolveOne(RemoteWorkload.CallTimeout);
        var sender = system.ActorOf(Props.Create(() => new Sender(receiver)));
        return new Client(system, sender, echo);
    }

    private static ActorSystem StartSystem(string name, NodeEndpoint self)
    {
        // public-port is what the node tells peers to dial: the counting proxy's port when bytes are measured.
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              remote.log-remote-lifecycle-events = off
              actor.provider = remote
              remote.dot-netty.tcp {
                hostname = 127.0.0.1
                port = {{self.BindPort}}
                public-hostname = 127.0.0.1
                public-port = {{self.AdvertisedPort}}
              }
            }
            """);
        return ActorSystem.Create(name, config);
    }

    private sealed class Stopper(ActorSystem system) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await system.Terminate();
    }

    private sealed class Client(ActorSystem system, IActorRef sender, IActorRef echo) : IRemoteClient
    {
        public Task SendOneWayAsync(long messages)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            sender.Tell(new RunOneWay(messages, done));
            return done.Task;
        }

        public Task CallAsync(long seq) => echo.Ask<Pong>(new Ping { Seq = seq }, RemoteWorkload.CallTimeout);

        public async ValueTask DisposeAsync() => await system.Terminate();
    }

    private sealed class Sender(IActorRef receiver) : UntypedActor
    {
        private readonly CreditWindow _window = new();
        private bool _greeted;

        protected override void OnReceive(object message)
        {
            var n = 0;
            switch (message)
            {
                case Ack ack:
                    n = _window.OnAck(ack.Count);
                    break;
                case RunOneWay run:
                    if (!_greeted)
                    {
                        receiver.Tell(new Hello(), Self);
                        _greeted = true;
                    }
                    n = _window.Start(run.Messages, run.Done);
                    break;
            }
            for (var i = 0; i < n; i++)
            {
                receiver.Tell(new Msg { Seq = _window.NextSeq }, Self);
                _window.MarkSent();
            }
        }
    }

    private sealed class Receiver : UntypedActor
    {
        private IActorRef? _ackTo;
        private long _received;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Msg when ++_received % RemoteWorkload.AckEvery == 0 && _ackTo is not null:
                    _ackTo.Tell(new Ack { Count = RemoteWorkload.AckEvery }, Self);
                    break;
                case Hello:
                    _ackTo = Sender;
                    _received = 0;
                    break;
            }
        }
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is Ping ping)
                Sender.Tell(new Pong { Seq = ping.Seq }, Self);
        }
    }
}
