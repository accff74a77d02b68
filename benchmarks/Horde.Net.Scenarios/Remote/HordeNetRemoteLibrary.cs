using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Scenarios.Remote;

/// <summary>Horde.Net (gRPC over HTTP/2, MessagePack payloads, batched envelopes), default settings.</summary>
public sealed class HordeNetRemoteLibrary(int maxBatchEnvelopes = 4096) : IRemoteLibrary
{
    private const string Cookie = "scenario";

    /// <inheritdoc />
    public string Name => maxBatchEnvelopes == 1 ? "horde-unbatched" : "horde";

    /// <inheritdoc />
    public string DisplayName => maxBatchEnvelopes == 1 ? "Horde.Net, batching off (1 envelope per frame)" : "Horde.Net (gRPC, batched)";

    /// <inheritdoc />
    public async Task<IAsyncDisposable> ServeAsync(NodeEndpoint self)
    {
        var node = await StartNodeAsync("server", self);
        await node.StartAsync(() => new Receiver(), new StartOptions { Name = RemoteWorkload.ReceiverName });
        await node.StartAsync(() => new Echo(), new StartOptions { Name = RemoteWorkload.EchoName });
        return node;
    }

    /// <inheritdoc />
    public async Task<IRemoteClient> ConnectAsync(NodeEndpoint self, NodeEndpoint server)
    {
        var node = await StartNodeAsync("client", self);
        var serverName = NodeName.Create("server", "127.0.0.1", server.AdvertisedPort);
        if (!await node.ConnectAsync(serverName))
            throw new InvalidOperationException($"could not connect to {serverName}");
        var receiver = await node.WhereIsAsync(serverName, RemoteWorkload.ReceiverName) ?? throw new InvalidOperationException("no receiver");
        var echo = await node.WhereIsAsync(serverName, RemoteWorkload.EchoName) ?? throw new InvalidOperationException("no echo");
        var sender = await node.StartAsync(() => new Sender(receiver));
        return new Client(node, sender, echo);
    }

    private async Task<Node> StartNodeAsync(string name, NodeEndpoint self)
    {
        var options = new NodeOptions
        {
            Name = NodeName.Create(name, "127.0.0.1", self.AdvertisedPort),
            ListenPort = self.BindPort,
            Cookie = Cookie,
            MaxBatchEnvelopes = maxBatchEnvelopes,
        };
        options.MessageTypes.Add<HordeMsg>().Add<HordeAck>().Add<HordePing>().Add<HordePong>();
        var node = new Node(options);
        await node.ListenAsync();
        return node;
    }

    private sealed class Client(Node node, Pid sender, Pid echo) : IRemoteClient
    {
        public Task SendOneWayAsync(long messages)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            sender.Send(new RunOneWay(messages, done));
            return done.Task;
        }

        public async Task CallAsync(long seq) =>
            await echo.CallAsync<HordePong>(new HordePing(seq), RemoteWorkload.CallTimeout);

        public ValueTask DisposeAsync() => node.DisposeAsync();
    }

    private sealed class Sender(Pid receiver) : HordeProcess
    {
        private readonly CreditWindow _window = new();
        private bool _greeted;

        protected override ValueTask HandleInfoAsync(object message)
        {
            var n = 0;
            switch (message)
            {
                case HordeAck ack:
                    n = _window.OnAck(ack.Count);
                    break;
                case RunOneWay run:
                    if (!_greeted)
                    {
                        receiver.Send(Self); // the receiver acks to the pid that greeted it
                        _greeted = true;
                    }
                    n = _window.Start(run.Messages, run.Done);
                    break;
            }
            for (var i = 0; i < n; i++)
            {
                receiver.Send(new HordeMsg(_window.NextSeq));
                _window.MarkSent();
            }
            return default;
        }
    }

    private sealed class Receiver : HordeProcess
    {
        private Pid? _ackTo;
        private long _received;

        protected override ValueTask HandleInfoAsync(object message)
        {
            switch (message)
            {
                case HordeMsg when ++_received % RemoteWorkload.AckEvery == 0 && _ackTo is not null:
                    _ackTo.Send(new HordeAck(RemoteWorkload.AckEvery));
                    break;
                case Pid sender:
                    _ackTo = sender;
                    _received = 0;
                    break;
            }
            return default;
        }
    }

    private sealed class Echo : HordeProcess
    {
        protected override ValueTask<object?> HandleCallAsync(object message) =>
            message is HordePing ping ? Reply(new HordePong(ping.Seq)) : Unhandled(message);
    }
}

/// <summary>The one-way message.</summary>
[MessagePackObject]
public sealed record HordeMsg([property: Key(0)] long Seq);

/// <summary>The receiver's acknowledgement.</summary>
[MessagePackObject]
public sealed record HordeAck([property: Key(0)] int Count);

/// <summary>A call.</summary>
[MessagePackObject]
public sealed record HordePing([property: Key(0)] long Seq);

/// <summary>Its reply.</summary>
[MessagePackObject]
public sealed record HordePong([property: Key(0)] long Seq);
