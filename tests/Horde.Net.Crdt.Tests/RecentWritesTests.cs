using Horde.Net.Crdt.Sync;
using MessagePack;

namespace Horde.Net.Crdt.Tests;

/// <summary>A neighbour learned just after a write gets that write as a delta at once, not from a later anti-entropy round.</summary>
public class RecentWritesTests
{
    private static string[] KeysSentTo(RecordingTransport transport, ulong peer) =>
        [.. transport.Sent.Where(s => s.To == peer).Select(s => s.Message).OfType<DeltaBatch>()
            .SelectMany(b => b.Keys).Select(k => MessagePackSerializer.Deserialize<string>(k.Key))];

    [Fact]
    public void Writes_made_while_a_neighbour_was_being_introduced_ship_to_it_when_it_is_added()
    {
        var transport = new RecordingTransport();
        var replica = new ReplicaCore<string, int>(new ReplicaOptions(), transport, newReplicaId: 1) { IntroductionsPending = true };
        replica.Flush(1_000);
        replica.Put("overwritten", 1, 1_000);
        replica.Put("overwritten", 2, 1_000);
        replica.Put("kept", 3, 1_000);
        replica.Delete("kept");
        replica.Put("new", 4, 1_000);

        replica.SetNeighbours([2], 1_010);

        // Superseded writes are left out; the removal travels, so the neighbour drops what it may hold.
        Assert.Equal(["overwritten", "kept", "new"], KeysSentTo(transport, 2));
        Assert.Equal(3, replica.OutstandingDeltas);

        // Once every neighbour is known, writes are no longer kept for late ones.
        replica.IntroductionsPending = false;
        replica.SetNeighbours([2, 3], 1_020);
        Assert.Empty(KeysSentTo(transport, 3));
    }

    [Fact]
    public void Writes_older_than_the_session_timeout_are_left_to_anti_entropy()
    {
        var transport = new RecordingTransport();
        var replica = new ReplicaCore<string, int>(new ReplicaOptions { SessionTimeout = TimeSpan.FromSeconds(2) }, transport, newReplicaId: 1) { IntroductionsPending = true };
        replica.Flush(1_000);
        replica.Put("old", 1, 1_000);
        replica.Flush(5_000);
        replica.Put("recent", 2, 5_000);

        replica.SetNeighbours([2], 5_010);

        Assert.Equal(["recent"], KeysSentTo(transport, 2));
    }
}
