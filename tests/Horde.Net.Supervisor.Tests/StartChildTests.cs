using Horde.Net.Cluster.Supervision;
using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

public sealed class StartChildTests
{
    [Fact]
    public async Task Children_start_where_the_ring_says_once_each_and_are_called_and_terminated_by_id_from_any_node()
    {
        await using var cluster = await SupervisorCluster.StartAsync();
        var ids = Enumerable.Range(0, 30).Select(i => $"child-{i}").ToList();
        var started = await Task.WhenAll(ids.Select(id => cluster[0].StartChildAsync(SupervisorCluster.Spec(id))));
        Assert.All(started, r => Assert.True(r.Status == StartChildStatus.Started, r.ToString()));

        var ring = new HashRing(cluster.Nodes.Nodes.Select(n => n.Name));
        for (var i = 0; i < ids.Count; i++)
            Assert.Equal(ring.Owner(ids[i]), started[i].Pid!.Node);
        Assert.True(started.Select(r => r.Pid!.Node).Distinct().Count() > 1, "30 children all landed on one node");

        var again = await cluster[1].StartChildAsync(SupervisorCluster.Spec(ids[0]));
        Assert.Equal(StartChildStatus.AlreadyStarted, again.Status);
        Assert.Equal(started[0].Pid, again.Pid);

        await Eventually.TrueAsync(() => cluster.Supervisors.All(s => s.CountChildren() == (30, 30)), "every node counts 30 running children");
        Assert.Equal(ids.Order(), cluster[2].WhichChildren().Select(c => c.Id).Order());
        Assert.All(cluster[2].WhichChildren(), c => Assert.Equal(c.Owner, c.Pid!.Node));

        Assert.Equal(5, await cluster[2].Child<Counter>(ids[3]).CallAsync<int>(new Add(5)));
        Assert.Equal(5, await cluster[1].Child<Counter>(ids[3]).CallAsync<int>(new Get()));

        Assert.True(await cluster[2].TerminateChildAsync(ids[3]));
        await Eventually.TrueAsync(() => cluster.Supervisors.All(s => s.CountChildren() == (29, 29) && s.WhereIs(ids[3]) is null),
            "every node forgets the terminated child");
        Assert.False(cluster.Nodes.Nodes.Single(n => n.Name == started[3].Pid!.Node).IsReachable(started[3].Pid!), "the terminated child still runs");
    }

    [Fact]
    public async Task StartChildrenAsync_starts_a_thousand_with_one_request_per_member_each_on_its_ring_owner_and_never_twice()
    {
        const int Children = 1000;
        await using var cluster = await SupervisorCluster.StartAsync();
        var specs = Enumerable.Range(0, Children).Select(i => SupervisorCluster.Spec($"many-{i}")).ToList();
        var results = await cluster[0].StartChildrenAsync(specs, TimeSpan.FromSeconds(30));
        Assert.True(results.All(r => r.Status == StartChildStatus.Started),
            $"{results.Count(r => r.Status != StartChildStatus.Started)} did not start, first: {results.FirstOrDefault(r => r.Status != StartChildStatus.Started)}");
        var ring = new HashRing(cluster.Nodes.Nodes.Select(n => n.Name));
        for (var i = 0; i < Children; i++)
            Assert.Equal(ring.Owner(specs[i].Id), results[i].Pid!.Node);
        Assert.Equal(Children, cluster.Supervisors.Sum(s => s.LocalChildren().Count));

        // Ids that run already, and one id twice in a batch from another node: the running instance, no second one.
        var again = await cluster[1].StartChildrenAsync([specs[0], specs[1], SupervisorCluster.Spec("twice"), SupervisorCluster.Spec("twice")]);
        Assert.Equal([StartChildStatus.AlreadyStarted, StartChildStatus.AlreadyStarted], again.Take(2).Select(r => r.Status));
        Assert.Equal([results[0].Pid, results[1].Pid], again.Take(2).Select(r => r.Pid));
        Assert.Equal([StartChildStatus.Started, StartChildStatus.AlreadyStarted], again.Skip(2).Select(r => r.Status).Order());
        Assert.Equal(again[2].Pid, again[3].Pid);
        Assert.Empty(SupervisorCluster.Duplicates(cluster.Supervisors));
        Assert.Equal(Children + 1, cluster.Supervisors.Sum(s => s.LocalChildren().Count));
        await Eventually.TrueAsync(() => cluster.Supervisors.All(s => s.CountChildren() == (Children + 1, Children + 1)), "every node counts every child running");
    }

    [Fact]
    public async Task Concurrent_starts_of_one_id_from_every_node_run_one_instance()
    {
        await using var cluster = await SupervisorCluster.StartAsync();
        for (var round = 0; round < 10; round++)
        {
            var id = $"contended-{round}";
            var results = await Task.WhenAll(cluster.Supervisors.Select(s => s.StartChildAsync(SupervisorCluster.Spec(id))));
            Assert.Single(results, r => r.Status == StartChildStatus.Started);
            Assert.Single(results.Select(r => r.Pid).Distinct());
        }
        Assert.Empty(SupervisorCluster.Duplicates(cluster.Supervisors));
        Assert.Equal(10, cluster.Supervisors.Sum(s => s.LocalChildren().Count));
    }

    [Fact]
    public async Task A_handle_starts_its_child_on_first_call_and_a_crash_restarts_it_from_its_initial_state()
    {
        await using var cluster = await SupervisorCluster.StartAsync();
        var child = cluster[1].Child<Counter>("lazy");
        Assert.Equal(3, await child.CallAsync<int>(new Add(3)));
        var first = child.Pid!;
        first.Cast(new Crash("boom"));
        await Eventually.TrueAsync(() => cluster[0].WhereIs("lazy") is { } pid && pid != first, "the crashed child runs again");
        Assert.Equal(0, await cluster[0].Child<Counter>("lazy").CallAsync<int>(new Get()));

        var temporary = cluster[0].Child<Counter>("temp", spec => spec with { Restart = Restart.Temporary });
        await temporary.StartAsync();
        temporary.Pid!.Cast(new Crash("once"));
        await Eventually.TrueAsync(() => cluster.Supervisors.All(s => !s.Knows("temp")), "a temporary child is forgotten when it exits");
    }

    [Fact]
    public async Task A_child_that_crashes_more_than_MaxRestarts_times_within_the_period_is_given_up_and_can_be_started_again()
    {
        await using var cluster = await SupervisorCluster.StartAsync(2, o => (o.MaxRestarts, o.RestartPeriod) = (2, TimeSpan.FromMinutes(1)));
        (await cluster[0].StartChildAsync(SupervisorCluster.Spec("looping"))).EnsureRunning();
        for (var crash = 1; crash <= 2; crash++)
        {
            var before = cluster[0].WhereIs("looping")!;
            before.Cast(new Crash($"crash {crash}"));
            await Eventually.TrueAsync(() => cluster[0].WhereIs("looping") is { } pid && pid != before, $"the child runs again after crash {crash}");
        }

        var last = cluster[0].WhereIs("looping")!;
        last.Cast(new Crash("crash 3"));
        await Eventually.TrueAsync(() => cluster.Supervisors.All(s => !s.Knows("looping")), "the child is given up after its third crash within the period");
        Assert.True(TestLogging.Factory.Has(5024, "looping", "more than 2 times"), "event 5024 (child given up) was logged");
        Assert.Null(cluster[0].WhereIs("looping"));
        Assert.Equal(StartChildStatus.Started, (await cluster[1].StartChildAsync(SupervisorCluster.Spec("looping"))).Status); // the caller may start it again
    }

    [Fact]
    public void Restart_intensity_options_out_of_range_are_refused_naming_the_option()
    {
        Assert.Equal("MaxRestarts", Assert.Throws<ArgumentOutOfRangeException>(() => SupervisorCluster.Options(o => o.MaxRestarts = -1).Validate()).ParamName);
        Assert.Equal("RestartPeriod", Assert.Throws<ArgumentOutOfRangeException>(() => SupervisorCluster.Options(o => o.RestartPeriod = TimeSpan.Zero).Validate()).ParamName);
    }

    [Fact]
    public async Task Failures_are_values_with_reasons()
    {
        await using var cluster = await SupervisorCluster.StartAsync(1);
        var unknown = await cluster[0].StartChildAsync(new HordeChildSpec { Id = "x", Type = "NoSuchType" });
        Assert.Equal(StartChildStatus.Failed, unknown.Status);
        Assert.Contains("NoSuchType", unknown.Error);

        // Fixed members that are not running: no member takes children, and the quorum never holds.
        var fixedMembers = await HordeSupervisor.StartAsync(cluster.Nodes[0], "fixed",
            SupervisorCluster.Options(o => o.Members = [NodeName.Parse("ghost@127.0.0.1:1"), NodeName.Parse("other@127.0.0.1:2")]));
        var none = await fixedMembers.StartChildAsync(SupervisorCluster.Spec("y"));
        Assert.Equal(StartChildStatus.Failed, none.Status);
        Assert.Contains("no live members", none.Error);
        Assert.All(fixedMembers.Members, m => Assert.Equal(MemberStatus.Gone, m.Status));
        await Assert.ThrowsAsync<TimeoutException>(() => fixedMembers.WaitForQuorumAsync(TimeSpan.FromMilliseconds(100)));
    }
}
