namespace Horde.Net.Supervisor.Tests;

/// <summary>A start whose answer is late is not called a failure: the child may be running on the member that got it.</summary>
public sealed class StartOutcomeTests
{
    /// <summary>A child whose init waits for the test, so that the member that starts it answers late.</summary>
    private sealed class SlowStart(Task gate) : GenServer<int>
    {
        protected override int InitialState() => 0;

        protected override async ValueTask InitAsync()
        {
            await base.InitAsync();
            await gate;
        }
    }

    [Fact]
    public async Task A_start_the_member_answers_too_late_is_Unknown_and_asking_again_finds_the_instance_it_started()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cluster = await SupervisorCluster.StartAsync(2, o => o.ChildTypes.Add<SlowStart>(factory: _ => new SlowStart(gate.Task)));
        var remote = cluster.Nodes[1].Name;
        var members = cluster[0].LiveMembers();
        var id = Enumerable.Range(0, 1000).Select(i => $"slow-{i}").First(i => cluster[0].Options.Strategy.ChooseNode(i, members) == remote);
        var spec = HordeChildSpec.For<SlowStart>(id);

        var late = await cluster[0].StartChildAsync(spec, TimeSpan.FromMilliseconds(500));
        Assert.Equal(StartChildStatus.Unknown, late.Status);
        Assert.False(late.IsRunning);
        Assert.Contains("may run there", late.Error);

        gate.SetResult();
        await Eventually.TrueAsync(() => cluster[1].LocalChildren().Contains(id), "the member finished the start it got");
        var again = await cluster[0].StartChildAsync(spec);
        Assert.Equal(StartChildStatus.AlreadyStarted, again.Status); // the late start ran: asking again never makes a second
        Assert.Equal(remote, again.Pid!.Node);
    }
}
