using Akka.Actor;
using BenchmarkDotNet.Attributes;
using Proto;
using AkkaProps = Akka.Actor.Props;
using AkkaSystem = Akka.Actor.ActorSystem;

namespace Horde.Net.Benchmarks.Local;

/// <summary>
/// Local call (request/response) round trip from outside the actor system, one call at a time,
/// each awaited before the next: the Median column is the typical round trip per call.
/// Each library's plain call form is used, as an application would write it.
/// </summary>
public class CallBenchmarks
{
    private AkkaSystem? _akka;
    private IActorRef? _akkaEcho;
    private Proto.ActorSystem? _proto;
    private PID? _protoEcho;

    private Horde.Net.Cluster.Node? _horde;
    private Horde.Net.Cluster.Pid? _hordeEcho;

    /// <summary>Starts an Akka.NET system with an echo actor.</summary>
    [GlobalSetup(Target = nameof(Akka))]
    public void SetupAkka()
    {
        _akka = AkkaSystem.Create("bench");
        _akkaEcho = _akka.ActorOf(AkkaProps.Create(() => new AkkaEcho()));
    }

    /// <summary>Stops the Akka.NET system.</summary>
    [GlobalCleanup(Target = nameof(Akka))]
    public void CleanupAkka() => _akka?.Terminate().GetAwaiter().GetResult();

    /// <summary>Starts a Proto.Actor system with an echo actor.</summary>
    [GlobalSetup(Target = nameof(ProtoActor))]
    public void SetupProto()
    {
        _proto = new Proto.ActorSystem();
        _protoEcho = _proto.Root.Spawn(Proto.Props.FromProducer(() => new ProtoEcho()));
    }

    /// <summary>Stops the Proto.Actor system.</summary>
    [GlobalCleanup(Target = nameof(ProtoActor))]
    public void CleanupProto() => _proto?.ShutdownAsync().GetAwaiter().GetResult();

    /// <summary>Akka.NET 1.5.74: Ask.</summary>
    [Benchmark(OperationsPerInvoke = LocalWorkload.CallsPerInvoke)]
    public async Task Akka()
    {
        for (var i = 0; i < LocalWorkload.CallsPerInvoke; i++)
            await _akkaEcho!.Ask<Pong>(Ping.Instance);
    }

    /// <summary>Proto.Actor 1.8.0: RequestAsync.</summary>
    [Benchmark(OperationsPerInvoke = LocalWorkload.CallsPerInvoke)]
    public async Task ProtoActor()
    {
        for (var i = 0; i < LocalWorkload.CallsPerInvoke; i++)
            await _proto!.Root.RequestAsync<Pong>(_protoEcho!, Ping.Instance);
    }

    /// <summary>Starts a Horde.Net node with an echo process.</summary>
    [GlobalSetup(Target = nameof(HordeNet))]
    public async Task SetupHorde()
    {
        _horde = new Horde.Net.Cluster.Node();
        _hordeEcho = await _horde.StartAsync(() => new HordeEcho());
    }

    /// <summary>Stops the Horde.Net node.</summary>
    [GlobalCleanup(Target = nameof(HordeNet))]
    public void CleanupHorde() => _horde?.StopAsync().GetAwaiter().GetResult();

    /// <summary>Horde.Net: CallAsync, with its default 5 s timeout (a call never waits forever).</summary>
    [Benchmark(OperationsPerInvoke = LocalWorkload.CallsPerInvoke)]
    public async Task HordeNet()
    {
        for (var i = 0; i < LocalWorkload.CallsPerInvoke; i++)
            await _hordeEcho!.CallAsync<Pong>(Ping.Instance);
    }
}
