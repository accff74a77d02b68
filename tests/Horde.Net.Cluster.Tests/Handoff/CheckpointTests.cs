namespace Horde.Net.Cluster.Tests.Handoff;

public sealed class CheckpointTests : IAsyncLifetime
{
    private Node _node = null!;

    public async ValueTask InitializeAsync() => _node = await TestCluster.StartNodeAsync("n0", Journal.Register);

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_capture_sees_the_latest_state_and_the_version_moves_only_with_changes()
    {
        var pid = await _node.StartAsync(() => new Journal());
        for (var i = 1; i <= 10; i++)
            pid.Cast(new Note("c", i));
        var first = await _node.CaptureStateAsync(pid);
        Assert.Equal(10, Journal.Read(_node, first.State).Entries.Count); // queued after the casts, so it sees them all
        Assert.Equal(first.Version, _node.GetStateVersion(pid));

        await pid.CallAsync<string[]>(new ReadJournal()); // reads, changes nothing
        Assert.Equal(first.Version, _node.GetStateVersion(pid));

        await pid.CallAsync<int>(new Note("c", 11));
        Assert.True(_node.GetStateVersion(pid) > first.Version);
        var second = await _node.CaptureStateAsync(pid);
        Assert.Equal("c:11", Journal.Read(_node, second.State).Entries[^1]);
        Assert.Equal(_node.GetStateVersion(pid), second.Version);
    }

    [Fact]
    public async Task Only_a_running_GenServer_of_the_node_has_a_state_to_capture()
    {
        var stateless = await _node.StartAsync(() => new Stateless());
        Assert.Null(_node.GetStateVersion(stateless));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _node.CaptureStateAsync(stateless));

        var gone = await _node.StartAsync(() => new Journal());
        await _node.StopProcessAsync(gone);
        Assert.Null(_node.GetStateVersion(gone));
        var error = await Assert.ThrowsAsync<ProcessExitedException>(() => _node.CaptureStateAsync(gone));
        Assert.Equal(ExitReason.NoProc, error.Reason);
    }
}
