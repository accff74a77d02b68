namespace Horde.Net.Cluster.Tests.Handoff;

public sealed class StateRestoreTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(2, configure: Journal.Register);

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_GenServer_starts_from_a_handed_off_state_with_its_pid_before_init_and_any_message()
    {
        var owner = await Probe.StartAsync(_cluster[1]);
        var old = await _cluster[0].StartAsync(() => new Journal(_cluster[0].Resolve(owner.Self)));
        for (var i = 1; i <= 3; i++)
            old.Cast(new Note("a", i));
        Assert.Equal(4, await old.CallAsync<int>(new Note("a", 4)));
        var suspension = await _cluster[0].SuspendAsync(old, TimeSpan.FromSeconds(5));
        Assert.NotNull(suspension.State);

        JournalState? seenByInit = null;
        var successor = await _cluster[1].StartAsync(() => new Journal(initSaw: s => seenByInit = s with { Entries = [.. s.Entries] }),
            new StartOptions { RestoredState = suspension.State });
        Assert.Equal(["a:1", "a:2", "a:3", "a:4"], seenByInit!.Entries);
        Assert.Equal(owner.Self, seenByInit.Owner);
        Assert.Equal(["a:1", "a:2", "a:3", "a:4"], await successor.CallAsync<string[]>(new ReadJournal()));

        // The pid in the state is bound to the node that read it: it can be sent to at once.
        _cluster[1].Resolve(seenByInit.Owner!).Send("reached");
        Assert.Equal("reached", await owner.ExpectAsync<string>());
        suspension.Abandon(ExitReason.Shutdown);
    }

    [Fact]
    public async Task A_process_that_is_not_a_GenServer_refuses_a_restored_state()
    {
        var error = await Assert.ThrowsAsync<ProcessStartException>(() =>
            _cluster[0].StartAsync(() => new Stateless(), new StartOptions { RestoredState = new byte[] { 0xc0 } }));
        Assert.Contains("not a GenServer", error.Message);
        Assert.Equal(0, _cluster[0].ProcessCount);
    }

    [Fact]
    public async Task Bytes_that_are_not_the_state_fail_the_start()
    {
        var error = await Assert.ThrowsAsync<ProcessStartException>(() =>
            _cluster[0].StartAsync(() => new Journal(), new StartOptions { RestoredState = new byte[] { 0x2a } }));
        Assert.Equal("error", error.Reason.Kind);
        Assert.Equal(0, _cluster[0].ProcessCount);
    }

    [Fact]
    public async Task CanHandOff_tells_GenServers_from_other_processes()
    {
        Assert.True(new Journal().CanHandOff);
        Assert.False(new Stateless().CanHandOff);
    }
}
