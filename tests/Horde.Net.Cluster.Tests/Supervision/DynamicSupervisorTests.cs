using Horde.Net.Cluster.Supervision;

namespace Horde.Net.Cluster.Tests.Supervision;

public sealed class DynamicSupervisorTests : IAsyncLifetime
{
    private readonly Node _node = new();

    public ValueTask InitializeAsync() => default;

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Starts_lists_counts_and_terminates_children_on_demand()
    {
        var sup = await _node.StartAsync(() => new DynamicSupervisor());
        var a = await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("a", () => new Counter(start: 1)));
        var b = await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("b", () => new Counter(start: 2)));
        Assert.Equal(2, await b.CallAsync<int>(new Get()));
        Assert.Equal([a, b], (await DynamicSupervisor.WhichChildrenAsync(sup)).Select(c => c.Pid).Order(PidOrder.Instance));
        Assert.Equal(new ChildCounts(2, 2, 0, 2), await DynamicSupervisor.CountChildrenAsync(sup));
        await DynamicSupervisor.TerminateChildAsync(sup, a);
        await Assert.ThrowsAsync<ProcessExitedException>(async () => await a.CallAsync<int>(new Get()));
        await Assert.ThrowsAsync<KeyNotFoundException>(async () => await DynamicSupervisor.TerminateChildAsync(sup, a));
        Assert.Equal(1, (await DynamicSupervisor.CountChildrenAsync(sup)).Active);
    }

    [Fact]
    public async Task Restarts_a_crashed_child_and_forgets_a_temporary_one()
    {
        var sup = await _node.StartAsync(() => new DynamicSupervisor());
        var permanent = await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("p", () => new Counter()));
        var temporary = await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("t", () => new Counter()) { Restart = Restart.Temporary });
        var probe = await Probe.StartAsync(_node);
        probe.Watch(permanent);
        probe.Watch(temporary);
        permanent.Cast(new Crash("p"));
        temporary.Cast(new Crash("t"));
        await probe.ExpectAsync<Down>();
        await probe.ExpectAsync<Down>();
        var children = await DynamicSupervisor.WhichChildrenAsync(sup);
        var only = Assert.Single(children);
        Assert.Equal("p", only.Id);
        Assert.NotEqual(permanent, only.Pid);
    }

    [Fact]
    public async Task Refuses_children_beyond_its_maximum_and_reports_failed_inits()
    {
        var sup = await _node.StartAsync(() => new DynamicSupervisor(new SupervisorOptions { MaxChildren = 1 }));
        await Assert.ThrowsAsync<ProcessStartException>(async () =>
            await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("bad", () => new Counter(failInit: _ => true))));
        await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("a", () => new Counter()));
        await Assert.ThrowsAsync<MaxChildrenReachedException>(async () =>
            await DynamicSupervisor.StartChildAsync(sup, new ChildSpec("b", () => new Counter())));
    }

    [Fact]
    public async Task Shutdown_stops_every_child_within_its_timeout()
    {
        var terminated = 0;
        var sup = await _node.StartAsync(() => new DynamicSupervisor());
        for (var i = 0; i < 100; i++)
            await DynamicSupervisor.StartChildAsync(sup, new ChildSpec($"c{i}", () => new Counter(trapExits: true, terminated: _ => Interlocked.Increment(ref terminated))));
        await _node.StopProcessAsync(sup, ExitReason.Shutdown);
        Assert.Equal(100, terminated);
        Assert.Equal(0, _node.ProcessCount);
    }

    private sealed class PidOrder : IComparer<Pid?>
    {
        public static readonly PidOrder Instance = new();

        public int Compare(Pid? x, Pid? y) => (x?.Serial ?? 0).CompareTo(y?.Serial ?? 0);
    }
}
