using CsCheck;
using Horde.Net.Cluster.Supervision;

namespace Horde.Net.Cluster.Tests.Supervision;

// The test kit brings in Horde.Net.Supervisor, a namespace that would otherwise win over this type by its name.
using Supervisor = Horde.Net.Cluster.Supervision.Supervisor;

public sealed class SupervisorPropertyTests
{
    private enum Step { Crash, NormalExit, Wait }

    private static readonly Gen<(Step Step, int Child, int Seconds)> GenStep =
        Gen.Select(Gen.Enum<Step>(), Gen.Int[0, 4], Gen.Int[0, 4]);

    private static readonly Gen<(RestartStrategy Strategy, int MaxRestarts, Restart[] Children, (Step, int, int)[] Steps)> GenScenario =
        Gen.Select(
            Gen.Enum<RestartStrategy>(),
            Gen.Int[0, 4],
            Gen.Enum<Restart>().Array[1, 5],
            GenStep.Array[1, 14]);

    [Fact]
    public async Task Random_crash_and_exit_sequences_leave_the_children_the_model_predicts()
    {
        await GenScenario.SampleAsync(async scenario =>
        {
            var (strategy, maxRestarts, restarts, steps) = scenario;
            var period = TimeSpan.FromSeconds(5);
            var model = new SupervisorModel(strategy, maxRestarts, period, restarts);
            var clock = new ManualClock();
            await using var node = new Node();
            var specs = model.Children.Select(c => new ChildSpec(c.Id, () => new Counter()) { Restart = c.Restart }).ToList();
            var sup = await node.StartAsync(() => new Supervisor(specs,
                new SupervisorOptions { Strategy = strategy, MaxRestarts = maxRestarts, Period = period, TimeProvider = clock }));
            var pids = await PidsAsync(sup);

            foreach (var (step, index, seconds) in steps)
            {
                if (step == Step.Wait)
                {
                    clock.Advance(TimeSpan.FromSeconds(seconds));
                    model.Now += TimeSpan.FromSeconds(seconds);
                    continue;
                }
                if (index >= model.Children.Count || model.Children[index] is not { Running: true } child)
                    continue;
                var generations = model.Children.ToDictionary(c => c.Id, c => c.Generation);
                await ExitAsync(node, pids[child.Id]!, crash: step == Step.Crash);
                model.Exit(child, normal: step == Step.NormalExit);

                var actual = await TryPidsAsync(sup);
                Assert.Equal(model.Alive, actual is not null);
                if (actual is null)
                {
                    foreach (var pid in pids.Values.OfType<Pid>())
                        await Assert.ThrowsAsync<ProcessExitedException>(async () => await pid.CallAsync<int>(new Get()));
                    return;
                }
                Assert.Equal(model.Children.Select(c => c.Id), actual.Keys);
                foreach (var c in model.Children)
                {
                    Assert.Equal(c.Running, actual[c.Id] is not null);
                    var restarted = c.Generation != generations[c.Id];
                    Assert.Equal(restarted, actual[c.Id] is not null && actual[c.Id] != pids[c.Id]);
                }
                pids = actual;
            }
        }, iter: 60, threads: 1);
    }

    private static async Task ExitAsync(Node node, Pid child, bool crash)
    {
        var probe = await Probe.StartAsync(node);
        probe.Watch(child);
        if (crash)
            child.Cast(new Crash("property"));
        else
            await node.StopProcessAsync(child);
        await probe.ExpectAsync<Down>();
        await node.StopProcessAsync(probe.Self);
    }

    private static async Task<Dictionary<string, Pid?>> PidsAsync(Pid sup) =>
        (await Supervisor.WhichChildrenAsync(sup)).ToDictionary(c => c.Id, c => c.Pid);

    /// <summary>The children once the supervisor has handled the exit (this call queues behind it), or null if it stopped.</summary>
    private static async Task<Dictionary<string, Pid?>?> TryPidsAsync(Pid sup)
    {
        try
        {
            return await PidsAsync(sup);
        }
        catch (ProcessExitedException)
        {
            return null;
        }
    }
}
