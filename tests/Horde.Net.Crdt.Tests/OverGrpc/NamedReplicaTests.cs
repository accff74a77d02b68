using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests.OverGrpc;

public sealed class NamedReplicaTests
{
    [Fact]
    public async Task Replicas_of_one_name_find_each_other_on_connected_nodes_and_converge()
    {
        await using var cluster = await NamedReplicas.StartAsync(3);
        await cluster.Replicas[0].PutAsync("greeting", "hello");
        await cluster.EverywhereAsync("greeting", "hello");

        // Every replica ends up with the other two as neighbours (ring ±1 over three members).
        await Eventually.TrueAsync(() => cluster.Replicas.All(r => r.Neighbours.Count == 2), "every replica has two neighbours");
        Assert.Equal(cluster.Replicas[0].Pid, cluster.Nodes[0].WhereIs(NamedReplicas.Name));
    }

    [Fact]
    public async Task A_replica_on_a_node_that_connects_later_is_found_and_one_whose_node_leaves_is_dropped()
    {
        await using var cluster = await NamedReplicas.StartAsync(2);
        await cluster.Replicas[0].PutAsync("before", "1");
        var late = await cluster.AddAsync();
        await cluster.ConnectAllAsync();
        await cluster.EverywhereAsync("before", "1");
        await late.PutAsync("after", "2");
        await cluster.EverywhereAsync("after", "2");

        await cluster.Nodes[2].DisconnectAsync(cluster.Nodes[0].Name);
        await cluster.Nodes[2].DisconnectAsync(cluster.Nodes[1].Name);
        await Eventually.TrueAsync(() => cluster.Replicas[0].Neighbours.Count == 1 && late.Neighbours.Count == 0, "the disconnected node's replica is dropped");
    }

    [Fact]
    public async Task A_crashed_replica_is_restarted_its_name_rebinds_and_the_handle_keeps_working()
    {
        await using var cluster = await NamedReplicas.StartAsync(3);
        var replica = cluster.Replicas[1];
        await Eventually.TrueAsync(() => replica.Neighbours.Count == 2, "the replica knows its peers");
        await replica.PutAsync("kept", "yes", WriteLevel.All); // held by both peers before the crash
        var seen = new List<Diff<string, string>>();
        using var subscription = await replica.SubscribeAsync(diffs => { lock (seen) seen.AddRange(diffs); });
        var old = replica.Pid;

        old.Exit(ExitReason.Kill);
        await Eventually.TrueAsync(() => replica.Pid != old && cluster.Nodes[1].WhereIs(NamedReplicas.Name) == replica.Pid, "the replica restarts under its name");

        await replica.PutAsync("written after the crash", "ok");
        await cluster.EverywhereAsync("written after the crash", "ok");
        await cluster.EverywhereAsync("kept", "yes");
        await cluster.Replicas[0].PutAsync("from a peer", "after the crash");
        await cluster.EverywhereAsync("from a peer", "after the crash");
        await Eventually.TrueAsync(() => cluster.Replicas.All(r => r.Neighbours.Count == 2), "the restarted replica is a neighbour again everywhere");
        lock (seen)
            Assert.Contains(seen, d => d.Key == "from a peer" && d.Origin == ChangeOrigin.Neighbour); // the subscription outlived the crash
    }

    [Fact]
    public async Task A_write_at_level_all_is_held_by_every_neighbour_when_it_completes()
    {
        await using var cluster = await NamedReplicas.StartAsync(3);
        await Eventually.TrueAsync(() => cluster.Replicas.All(r => r.Neighbours.Count == 2), "the replicas know each other");

        await cluster.Replicas[0].PutAsync("durable", "v", WriteLevel.All, TimeSpan.FromSeconds(5));
        Assert.True(cluster.Replicas[1].TryGetValue("durable", out _) && cluster.Replicas[2].TryGetValue("durable", out _),
            "an acknowledged delta is applied on both neighbours");

        await cluster.Replicas[0].DeleteAsync("durable", WriteLevel.One);
        Assert.True(!cluster.Replicas[1].TryGetValue("durable", out _) || !cluster.Replicas[2].TryGetValue("durable", out _),
            "one neighbour holds the delete");
    }

    [Fact]
    public async Task A_write_whose_neighbour_never_acknowledges_times_out_saying_how_many_did()
    {
        await using var cluster = await GrpcNodes.StartAsync(2);
        await Eventually.TrueAsync(() => cluster.Replicas[0].Neighbours.Count == 1, "the replicas know each other");
        await cluster.Nodes[1].StopProcessAsync(cluster.Replicas[1].Pid); // still a neighbour by hand, but gone

        var error = await Assert.ThrowsAsync<WriteLevelTimeoutException>(
            () => cluster.Replicas[0].PutAsync("k", "v", WriteLevel.All, TimeSpan.FromMilliseconds(300)));
        Assert.Equal((0, 1), (error.Acknowledged, error.Neighbours));
        Assert.Contains("0 of 1", error.Message);
        Assert.True(cluster.Replicas[0].TryGetValue("k", out _), "the write is applied locally all the same");
    }

    [Fact]
    public async Task A_write_at_level_one_with_no_neighbour_fails_at_once()
    {
        await using var node = await TestCluster.StartNodeAsync("alone", options => options.MessageTypes.AddCrdt());
        var replica = await Replica<string, string>.StartAsync(node, "alone.map");
        var error = await Assert.ThrowsAsync<WriteLevelTimeoutException>(() => replica.PutAsync("k", "v", WriteLevel.One));
        Assert.Equal(0, error.Neighbours);
        await replica.PutAsync("k", "v", WriteLevel.All); // every one of no neighbours
    }

    [Fact]
    public async Task Update_registers_if_absent_atomically_and_delete_if_removes_only_what_is_still_mine()
    {
        await using var cluster = await NamedReplicas.StartAsync(1);
        var replica = cluster.Replicas[0];
        var attempts = Enumerable.Range(0, 20).Select(i =>
            replica.UpdateAsync("leader", (current, exists) => exists ? (false, current!) : (true, $"candidate{i}"))).ToList();
        var won = await Task.WhenAll(attempts);
        Assert.Single(won, w => w);
        Assert.True(replica.TryGetValue("leader", out var leader));
        Assert.Equal($"candidate{Array.IndexOf(won, true)}", leader);

        Assert.False(await replica.DeleteIfAsync("leader", v => v == "somebody else"));
        Assert.True(replica.TryGetValue("leader", out _));
        Assert.True(await replica.DeleteIfAsync("leader", v => v == leader));
        Assert.False(replica.TryGetValue("leader", out _));
    }

    [Fact]
    public async Task Wait_for_completes_when_a_peers_write_arrives()
    {
        await using var cluster = await NamedReplicas.StartAsync(2);
        var waiting = cluster.Replicas[1].WaitForAsync("handoff", (v, exists) => exists && v == "state", TimeSpan.FromSeconds(10));
        Assert.False(waiting.IsCompleted);
        await cluster.Replicas[0].PutAsync("handoff", "state");
        Assert.Equal("state", await waiting);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => cluster.Replicas[1].WaitForAsync("never", (_, exists) => exists, TimeSpan.FromMilliseconds(100)));
        Assert.Contains("never", error.Message);
    }

    [Fact]
    public async Task A_subscriber_gets_a_snapshot_and_every_later_diff_with_no_gap()
    {
        await using var cluster = await NamedReplicas.StartAsync(1);
        var replica = cluster.Replicas[0];
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
                await replica.PutAsync($"k{i % 50}", $"v{i}");
        });
        var state = new Dictionary<string, string>();
        var diffs = new List<Diff<string, string>>();
        using var subscription = await replica.SubscribeAsync(d => { lock (diffs) diffs.AddRange(d); });
        await writer;

        foreach (var (key, value) in subscription.Snapshot)
            state[key] = value;
        lock (diffs)
        {
            foreach (var diff in diffs)
            {
                Assert.Equal(ChangeOrigin.Local, diff.Origin);
                Assert.Equal(state.TryGetValue(diff.Key, out var before), diff.HadPrevious);
                Assert.Equal(before, diff.Previous); // each diff names what the subscriber's copy held
                state[diff.Key] = diff.Value!;
            }
        }
        Assert.Equal(replica.ToDictionary(), state);
    }

    [Fact]
    public async Task The_view_reads_the_live_map_without_a_copy()
    {
        await using var cluster = await NamedReplicas.StartAsync(1);
        var replica = cluster.Replicas[0];
        var view = replica.View;
        await replica.MergeAsync(Enumerable.Range(0, 1000).Select(i => KeyValuePair.Create($"k{i}", $"v{i}")));
        Assert.Equal(1000, view.Count);
        Assert.True(view.TryGetValue("k7", out var value) && value == "v7");
        Assert.Equal(1000, view.Count(e => e.Value == "v" + e.Key[1..]));
        await replica.DeleteAsync("k7");
        Assert.False(view.ContainsKey("k7")); // the same view object sees the later write
    }

    [Fact]
    public void Options_are_validated_and_the_message_names_the_bad_one()
    {
        var bad = new (ReplicaOptions Options, string Name)[]
        {
            (new() { MaxSyncSize = 0 }, nameof(ReplicaOptions.MaxSyncSize)),
            (new() { MaxSyncSize = -1 }, nameof(ReplicaOptions.MaxSyncSize)),
            (new() { MaxSyncBytes = 10 }, nameof(ReplicaOptions.MaxSyncBytes)),
            (new() { SyncInterval = TimeSpan.Zero }, nameof(ReplicaOptions.SyncInterval)),
            (new() { ResendAfter = TimeSpan.FromMilliseconds(-1) }, nameof(ReplicaOptions.ResendAfter)),
            (new() { SessionTimeout = TimeSpan.Zero }, nameof(ReplicaOptions.SessionTimeout)),
            (new() { PersistDelay = TimeSpan.FromSeconds(-1) }, nameof(ReplicaOptions.PersistDelay)),
            (new() { MaxOutboxKeys = 0 }, nameof(ReplicaOptions.MaxOutboxKeys)),
            (new() { MaxRangesPerPush = 0 }, nameof(ReplicaOptions.MaxRangesPerPush)),
            (new() { MaxPushesInFlight = 0 }, nameof(ReplicaOptions.MaxPushesInFlight)),
            (new() { AntiEntropyFanout = 0 }, nameof(ReplicaOptions.AntiEntropyFanout)),
            (new() { SerializerOptions = null! }, nameof(ReplicaOptions.SerializerOptions)),
        };
        foreach (var (options, name) in bad)
        {
            var error = Assert.ThrowsAny<ArgumentException>(() => new ReplicaCore<string, string>(options, new NoTransport()));
            Assert.Equal(name, error.ParamName);
            Assert.Contains($"ReplicaOptions.{name}", error.Message);
        }
        new ReplicaOptions().Validate();
    }

    [Fact]
    public async Task A_replica_with_a_bad_option_does_not_start()
    {
        await using var node = await TestCluster.StartNodeAsync("badoptions", options => options.MessageTypes.AddCrdt());
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Replica<string, string>.StartAsync(node, "bad.map", new ReplicaOptions { MaxSyncSize = 0 }));
        Assert.Equal(nameof(ReplicaOptions.MaxSyncSize), error.ParamName);
        Assert.Null(node.WhereIs("bad.map"));
    }

    private sealed class NoTransport : ISyncTransport
    {
        public void Send(ulong to, SyncMessage message)
        {
        }
    }
}
