using Akka.Actor;
using BenchmarkDotNet.Attributes;
using Proto;
using AkkaProps = Akka.Actor.Props;
using AkkaSystem = Akka.Actor.ActorSystem;

namespace Horde.Net.Benchmarks.Local;

/// <summary>
/// Local one-way messages between pairs of actors under a credit window of 1,000
/// (see <see cref="LocalWorkload"/>). Each invocation moves <see cref="LocalWorkload.TotalMessages"/>
/// messages split over <see cref="Pairs"/> pairs, so the per-operation time is per message and
/// Op/s is messages per second over all pairs.
/// </summary>
public class OneWayBenchmarks
{
    private AkkaSystem? _akka;
    private IActorRef[] _akkaSenders = [];
    private Proto.ActorSystem? _proto;
    private PID[] _protoSenders = [];

    private Horde.Net.Cluster.Node? _horde;
    private Horde.Net.Cluster.Pid[] _hordeSenders = [];

    /// <summary>Independent sender/receiver pairs running at once.</summary>
    [Params(1, 4)]
    public int Pairs { get; set; }

    /// <summary>Starts an Akka.NET system with the pairs.</summary>
    [GlobalSetup(Target = nameof(Akka))]
    public void SetupAkka()
    {
        _akka = AkkaSystem.Create("bench");
        _akkaSenders = new IActorRef[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            var receiver = _akka.ActorOf(AkkaProps.Create(() => new AkkaReceiver()));
            _akkaSenders[i] = _akka.ActorOf(AkkaProps.Create(() => new AkkaSender(receiver)));
        }
    }

    /// <summary>Stops the Akka.NET system.</summary>
    [GlobalCleanup(Target = nameof(Akka))]
    public void CleanupAkka() => _akka?.Terminate().GetAwaiter().GetResult();

    /// <summary>Starts a Proto.Actor system with the pairs.</summary>
    [GlobalSetup(Target = nameof(ProtoActor))]
    public void SetupProto()
    {
        _proto = new Proto.ActorSystem();
        _protoSenders = new PID[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            var receiver = _proto.Root.Spawn(Proto.Props.FromProducer(() => new ProtoReceiver()));
            _protoSenders[i] = _proto.Root.Spawn(Proto.Props.FromProducer(() => new ProtoSender(receiver)));
            _proto.Root.Send(receiver, _protoSenders[i]);
        }
    }

    /// <summary>Stops the Proto.Actor system.</summary>
    [GlobalCleanup(Target = nameof(ProtoActor))]
    public void CleanupProto() => _proto?.ShutdownAsync().GetAwaiter().GetResult();

    /// <summary>Akka.NET 1.5.74, default dispatcher.</summary>
    [Benchmark(OperationsPerInvoke = LocalWorkload.TotalMessages)]
    public Task Akka() => RunAll(_akkaSenders.Length, (i, start) => _akkaSenders[i].Tell(start));

    /// <summary>Proto.Actor 1.8.0, default dispatcher.</summary>
    [Benchmark(OperationsPerInvoke = LocalWorkload.TotalMessages)]
    public Task ProtoActor() => RunAll(_protoSenders.Length, (i, start) => _proto!.Root.Send(_protoSenders[i], start));

    /// <summary>Starts a Horde.Net node with the pairs.</summary>
    [GlobalSetup(Target = nameof(HordeNet))]
    public async Task SetupHorde()
    {
        _horde = new Horde.Net.Cluster.Node();
        _hordeSenders = new Horde.Net.Cluster.Pid[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            var receiver = await _horde.StartAsync(() => new HordeReceiver());
            _hordeSenders[i] = await _horde.StartAsync(() => new HordeSender(receiver));
            receiver.Cast(_hordeSenders[i]);
        }
    }

    /// <summary>Stops the Horde.Net node.</summary>
    [GlobalCleanup(Target = nameof(HordeNet))]
    public void CleanupHorde() => _horde?.StopAsync().GetAwaiter().GetResult();

    /// <summary>Horde.Net: casts between processes.</summary>
    [Benchmark(OperationsPerInvoke = LocalWorkload.TotalMessages)]
    public Task HordeNet() => RunAll(_hordeSenders.Length, (i, start) => _hordeSenders[i].Cast(start));

    private static Task RunAll(int pairs, Action<int, StartSending> start)
    {
        var perPair = LocalWorkload.TotalMessages / pairs;
        var done = new Task[pairs];
        for (var i = 0; i < pairs; i++)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done[i] = tcs.Task;
            start(i, new StartSending(perPair, tcs));
        }
        return Task.WhenAll(done);
    }
}
