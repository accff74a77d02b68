using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

/// <summary>
/// One repair into a replica at a time, but not forever: a neighbour that never stops pushing must not keep every other
/// neighbour's repair out of the replica.
/// </summary>
public sealed class HeldBackTests
{
    [Fact]
    public void A_neighbour_that_keeps_repairing_holds_another_back_for_at_most_twice_the_session_timeout()
    {
        var options = new ReplicaOptions { SessionTimeout = TimeSpan.FromSeconds(1) };
        var transport = new RecordingTransport();
        var replica = new ReplicaCore<string, int>(options, transport, newReplicaId: 1);
        replica.SetNeighbours([2, 3], 0);
        replica.Put("mine", 1, wallClockMs: 1);
        replica.Flush(0);

        // Neighbour 2 opens a walk every 100 ms (a root that keeps differing); neighbour 3 asks for one each time too.
        long? answeredThreeAt = null;
        for (var now = 100L; now <= 5_000 && answeredThreeAt is null; now += 100)
        {
            transport.Sent.Clear();
            replica.OnMessage(2, new TreeRoot((ulong)now, 0), now);
            replica.OnMessage(3, new TreeRoot(0xBAD, 0), now);
            if (transport.Sent.Any(s => s.To == 3 && s.Message is TreeLevel))
                answeredThreeAt = now;
        }

        Assert.True(answeredThreeAt is not null, "neighbour 3's repair was held back for 5 s by neighbour 2's pushes");
        Assert.InRange(answeredThreeAt!.Value, 1_000, 2_300); // held back first (one repair at a time), then let through
    }
}
