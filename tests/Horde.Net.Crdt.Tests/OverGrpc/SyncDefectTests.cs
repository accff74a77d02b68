using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests.OverGrpc;

public sealed class SyncDefectTests
{
    [Fact]
    public async Task Neighbours_set_before_their_node_is_connected_sync_once_it_is()
    {
        await using var a = await TestCluster.StartNodeAsync("introa", options => options.MessageTypes.AddCrdt());
        await using var b = await TestCluster.StartNodeAsync("introb", options => options.MessageTypes.AddCrdt());
        var onA = await Replica<string, string>.StartAsync(a);
        var onB = await Replica<string, string>.StartAsync(b);
        await onA.SetNeighboursAsync([a.Resolve(onB.Pid)]); // the hellos are dropped: not connected yet
        await onB.SetNeighboursAsync([b.Resolve(onA.Pid)]);
        await onA.PutAsync("k", "v");

        await TestCluster.ConnectAsync(a, b.Name);
        await Eventually.TrueAsync(() => onB.TryGetValue("k", out _), "the write reaches b once the hellos are retried", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Large_values_sync_in_messages_bounded_by_bytes()
    {
        // Frames of 1 MiB and 200 keys of 8 KB (1.6 MB, hardly compressible): a batch bounded by key count alone is refused.
        await using var cluster = await NamedReplicas.StartAsync(2, node: o => o.MaxFrameBytes = 1024 * 1024, replica: new ReplicaOptions { MaxSyncBytes = 128 * 1024 });
        await Eventually.TrueAsync(() => cluster.Replicas[0].Neighbours.Count == 1, "the replicas know each other");
        var random = new Random(5);
        var values = Enumerable.Range(0, 200).ToDictionary(i => $"big{i}", _ => Convert.ToBase64String(random.GetItems<byte>([.. Enumerable.Range(0, 256).Select(b => (byte)b)], 6_000)));

        await cluster.Replicas[0].MergeAsync(values, WriteLevel.All, TimeSpan.FromSeconds(20)); // every delta batch fits a frame
        var fresh = await cluster.AddAsync(o => o.MaxFrameBytes = 1024 * 1024, new ReplicaOptions { MaxSyncBytes = 128 * 1024 });
        await cluster.ConnectAllAsync();
        await Eventually.TrueAsync(() => fresh.Count == values.Count, "a fresh replica receives every key by anti-entropy", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_value_too_large_for_any_message_is_refused_at_write()
    {
        await using var node = await TestCluster.StartNodeAsync("toolarge", options => options.MessageTypes.AddCrdt());
        var replica = await Replica<string, string>.StartAsync(node, "large.map", new ReplicaOptions { MaxSyncBytes = 64 * 1024 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => replica.PutAsync("huge", new string('x', 100_000)));
        Assert.Contains("MaxSyncBytes", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => replica.MergeAsync([KeyValuePair.Create("ok", "small"), KeyValuePair.Create("huge", new string('x', 100_000))]));
        Assert.False(replica.TryGetValue("ok", out _)); // a refused merge writes nothing
        await replica.PutAsync("fine", new string('x', 1_000)); // and the replica goes on
    }
}
