using Horde.Net.Crdt.Storage;
using Horde.Net.Crdt.Sync;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Crdt.Tests;

public sealed class StorageTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "horde-crdt-" + Guid.NewGuid().ToString("N"));

    private sealed class NoNetwork : ISyncTransport
    {
        public void Send(ulong to, SyncMessage message)
        {
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void File_storage_round_trips_the_newest_snapshot_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_directory, "replica.snapshot");
        using (var storage = new FileReplicaStorage(path))
        {
            Assert.Null(storage.Load());
            for (var i = 1; i <= 20; i++)
            {
                storage.Save(new ReplicaSnapshot(42, (ulong)i, 1000, 0, false, new WireContext([42], [(ulong)i], []), []));
            }

            storage.Flush();
            Assert.InRange(storage.Writes, 1, 20);
        }

        var loaded = new FileReplicaStorage(path).Load();
        Assert.NotNull(loaded);
        Assert.Equal(20UL, loaded.Counter);
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_replica_closed_cleanly_comes_back_with_its_id_counters_and_keys()
    {
        var path = Path.Combine(_directory, "a.snapshot");
        ulong id;
        using (var storage = new FileReplicaStorage(path))
        {
            var replica = new ReplicaCore<string, int>(new ReplicaOptions(), new NoNetwork(), storage);
            id = replica.ReplicaId;
            replica.Put("a", 1, 1_000);
            replica.Put("b", 2, 1_000);
            replica.Delete("a");
            replica.Close(1_001);
        }

        using (var storage = new FileReplicaStorage(path))
        {
            var restored = new ReplicaCore<string, int>(new ReplicaOptions(), new NoNetwork(), storage);
            Assert.Equal(id, restored.ReplicaId);
            Assert.Equal(new Dictionary<string, int> { ["b"] = 2 }, restored.ToDictionary());
            Assert.Equal(2UL, restored.Map.Counter);
            restored.Put("c", 3, 500); // wall clock went back: the restored clock still orders it last
            Assert.Equal(new Dot(id, 3), restored.Map.EntriesOf("c")[0].Dot);
            Assert.True(restored.Map.EntriesOf("c")[0].Timestamp > restored.Map.EntriesOf("b")[0].Timestamp);

            // The id is in use again: a crash now must not let the next incarnation reuse it.
            Assert.False(storage.Load()!.ReusableId);
        }
    }

    [Fact]
    public void A_crashed_replica_keeps_its_persisted_state_under_a_new_id_and_snapshots_are_coalesced()
    {
        var storage = new InMemoryReplicaStorage();
        var options = new ReplicaOptions { PersistDelay = TimeSpan.FromSeconds(1) };
        var replica = new ReplicaCore<string, int>(options, new NoNetwork(), storage);
        for (var t = 0; t < 100; t++)
        {
            replica.Put($"k{t}", t, 1_000 + (t * 20));
            replica.OnTick(1_000 + (t * 20));
        }

        replica.OnTick(3_000);
        replica.OnTick(4_000);
        Assert.InRange(storage.Saves, 1, 3);

        var restarted = new ReplicaCore<string, int>(options, new NoNetwork(), storage);
        Assert.NotEqual(replica.ReplicaId, restarted.ReplicaId);
        Assert.Equal(100, restarted.Count);
        restarted.Put("new", 1, 5_000);
        Assert.Equal(restarted.ReplicaId, restarted.Map.EntriesOf("new")[0].Dot.Replica);
        Assert.Equal(1UL, restarted.Map.EntriesOf("new")[0].Dot.Counter);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public void A_corrupt_snapshot_is_moved_aside_and_the_replica_starts_empty(string damage)
    {
        var path = Path.Combine(_directory, "c.snapshot");
        using (var storage = new FileReplicaStorage(path))
        {
            var replica = new ReplicaCore<string, int>(new ReplicaOptions(), new NoNetwork(), storage);
            replica.Merge(Enumerable.Range(0, 1_000).Select(i => KeyValuePair.Create($"k{i}", i)), 1_000);
            replica.Close(1_001);
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage == "garbage" ? [.. bytes.Select(b => (byte)~b)] : bytes[..(bytes.Length / 2)]);

        using (var storage = new FileReplicaStorage(path, TestLogging.Factory.CreateLogger("storage")))
        {
            var restarted = new ReplicaCore<string, int>(new ReplicaOptions(), new NoNetwork(), storage);
            Assert.Equal(0, restarted.Count);
            restarted.Put("fresh", 1, 2_000);
            restarted.Close(2_001);
        }

        var aside = Assert.Single(Directory.GetFiles(_directory, "c.snapshot.corrupt-*"));
        Assert.Equal(bytes.Length, new FileInfo(aside).Length + (damage == "garbage" ? 0 : bytes.Length - (bytes.Length / 2)));
        using var reread = new FileReplicaStorage(path);
        Assert.Single(reread.Load()!.Keys); // the new snapshot replaced the corrupt one
    }

    /// <summary>Holds deferred snapshots without encoding them, to see what the replica captured.</summary>
    private sealed class DeferringStorage : IReplicaStorage
    {
        public List<Func<ReplicaSnapshot>> Deferred { get; } = [];

        public ReplicaSnapshot? Load() => null;

        public void Save(ReplicaSnapshot snapshot) => throw new InvalidOperationException("The replica should defer encoding.");

        public void Save(Func<ReplicaSnapshot> encode) => Deferred.Add(encode);

        public void Flush()
        {
        }
    }

    [Fact]
    public void A_periodic_snapshot_is_encoded_later_from_the_state_captured_when_it_was_taken()
    {
        var storage = new DeferringStorage();
        var replica = new ReplicaCore<string, int>(new ReplicaOptions { PersistDelay = TimeSpan.FromMilliseconds(100) }, new NoNetwork(), storage);
        replica.Merge(Enumerable.Range(0, 500).Select(i => KeyValuePair.Create($"k{i}", i)), 1_000);
        replica.OnTick(1_000);
        replica.OnTick(1_200);
        var encode = Assert.Single(storage.Deferred);

        // Writes after the capture, before the encoding: the snapshot must not see them (nor tear).
        replica.Put("k0", -1, 1_300);
        replica.Delete("k1");
        replica.Put("late", 1, 1_300);

        var snapshot = encode();
        Assert.Equal(500, snapshot.Keys.Length);
        Assert.Equal(500UL, snapshot.Counter);
        var k0 = snapshot.Keys.Single(k => MessagePack.MessagePackSerializer.Deserialize<string>(k.Key) == "k0");
        Assert.Equal(0, MessagePack.MessagePackSerializer.Deserialize<int>(Assert.Single(k0.Entries).Value));
    }

    [Fact]
    public void Saving_a_deferred_snapshot_to_a_file_does_not_wait_for_its_encoding()
    {
        var path = Path.Combine(_directory, "d.snapshot");
        using var gate = new ManualResetEventSlim();
        using var storage = new FileReplicaStorage(path);
        storage.Save(() =>
        {
            gate.Wait(TimeSpan.FromSeconds(10));
            return new ReplicaSnapshot(7, 1, 1, 0, false, new WireContext([], [], []), []);
        });
        Assert.False(File.Exists(path)); // Save returned while the encoding is still held
        gate.Set();
        storage.Flush();
        Assert.Equal(7UL, storage.Load()!.ReplicaId);
    }
}
