using Horde.Net.Scenarios.Messages;
using Proto;
using Proto.Remote;
using Proto.Remote.GrpcNet;

namespace Horde.Net.Scenarios.Remote;

/// <summary>Proto.Remote 1.8.0 (gRPC over HTTP/2), default settings.</summary>
public sealed class ProtoRemoteLibrary : IRemoteLibrary
{
    /// <inheritdoc />
    public string Name => "proto";

    /// <inheritdoc />
    public string DisplayName => "Proto.Remote 1.8.0 (gRPC)";

    /// <inheritdoc />
    public async Task<IAsyncDisposable> ServeAsync(NodeEndpoint self)
    {
        var system = await StartSystemAsync(self);
        system.Root.SpawnNamed(Props.FromProducer(() => new Receiver()), RemoteWorkload.ReceiverName);
        system.Root.SpawnNamed(Props.FromProducer(() => new Echo()), RemoteWorkload.EchoName);
        return new Stopper(system);
    }

    /// <inheritdoc />
    public async Task<IRemoteClient> ConnectAsync(NodeEndpoint self, NodeEndpoint server)
    {
        var system = await StartSystemAsync(self);
        var address = $"127.0.0.1:{server.AdvertisedPort}";
        var receiver = PID.FromAddress(address, RemoteWorkload.ReceiverName);
        var echo = PID.FromAddress(address, RemoteWorkload.EchoName);
        var sender = system.Root.Spawn(Props.FromProducer(() => new Sender(receiver)));
        return new Client(system, sender, echo);
    }

    private static async Task<ActorSystem> StartSystemAsync(NodeEndpoint self)
    {
        var config = RemoteConfig.BindToLocalhost(self.BindPort)
            .WithAdvertisedHost("127.0.0.1")
            .WithAdvertisedPort(self.AdvertisedPort)
            .WithProtoMessages(ScenarioMessagesReflection.Descriptor);
        var system = new ActorSystem().WithRemote(config);
        await system.Remote().StartAsync();
        return system;
    }

    private sealed class Stopper(ActorSystem system) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await system.Remote().ShutdownAsync();
    }

    private sealed class Client(ActorSystem system, PID sender, PID echo) : IRemoteClient
    {
        public Task SendOneWayAsync(long messages)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.Root.Send(sender, new RunOneWay(messages, done));
            return done.Task;
        }

        public Task CallAsync(long seq) =>
            system.Root.RequestAsync<Pong>(echo, new Ping { Seq = seq }, RemoteWorkload.CallTimeout);

        public async ValueTask DisposeAsync() => await system.Remote().ShutdownAsync();
    }

    private sealed class Sender(PID receiver) : IActor
    {
        private readonly CreditWindow _window = new();
        private bool _greeted;

        public Task ReceiveAsync(IContext context)
        {
            var n = 0;
            switch (context.Message)
            {
                case Ack ack:
                    n = _window.OnAck(ack.Count);
                    break;
                case RunOneWay run:
                    if (!_greeted)
                    {
                        // Request (not Send) so the receiver sees our pid as the sender of Hello.
                        context.Request(receiver, new Hello());
                        _greeted = true;
                    }
                    n = _window.Start(run.Messages, run.Done);
                    break;
            }
            for (var i = 0; i < n; i++)
            {
                context.Send(receiver, new Msg { Seq = _window.NextSeq });
                _window.MarkSent();
            }
            return Task.CompletedTask;
        }
    }

    private sealed class Receiver : IActor
    {
        private PID? _ackTo;
        private long _received;

        public Task ReceiveAsync(IContext context)
        {
            switch (context.Message)
            {
                case Msg when ++_received % RemoteWorkload.AckEvery == 0 && _ackTo is not null:
                    context.Send(_ackTo, new Ack { Count = RemoteWorkload.AckEvery });
                    break;
                case Hello:
                    _ackTo = context.Sender;
                    _received = 0;
                    break;
            }
            return Task.CompletedTask;
        }
    }

    private sealed class Echo : IActor
    {
        public Task ReceiveAsync(IContext context)
        {
            if (context.Message is Ping ping)
                context.Respond(new Pong { Seq = ping.Seq });
            return Task.CompletedTask;
        }
    }
}
