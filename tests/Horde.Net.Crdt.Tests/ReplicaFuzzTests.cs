using CsCheck;
using Horde.Net.Cluster;
using Horde.Net.Crdt.Sync;
using MessagePack;

namespace Horde.Net.Crdt.Tests;

/// <summary>
/// Random and mutated sync messages thrown at a replica process through its real message path (envelope check,
/// decoding, the core): it never stops, and a message it refuses leaves its state as it was.
/// </summary>
public sealed class ReplicaFuzzTests
{
    private const ulong PeerId = 42;

    private static byte[] Encode<T>(T value) => MessagePackSerializer.Serialize(value, MessagePackSerializerOptions.Standard);

    private static WireKey Key(string key, ulong counter, int value) =>
        new(Encode(key), [new WireEntry(PeerId, counter, 1_700_000_000_000 + (long)counter, 0, Encode(value))], []);

    /// <summary>Well-formed messages a peer could send, serialized: the seeds the mutations start from.</summary>
    private static readonly byte[][] Seeds =
    [
        SyncMessageSerializer.Serialize(new DeltaBatch(1, [Key("a", 10, 1), Key("b", 11, 2)])),
        SyncMessageSerializer.Serialize(new RangePush(5, [new WireRange(0, ulong.MaxValue)], [Key("c", 12, 3)])),
        SyncMessageSerializer.Serialize(new Repair([new WireKey(Encode("a"), [], [new WireDot(PeerId, 10)])])),
        SyncMessageSerializer.Serialize(new TreeLevel(1, [0, 1, 2], [1, 2, 3])),
        SyncMessageSerializer.Serialize(new TreeRoot(7, 9)),
    ];

    private static readonly Gen<byte[]> Mutated =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[0, 3], Gen.Int, Gen.Byte, Gen.Byte.Array[1, 8]).Select((seed, mode, position, value, insert) =>
        {
            var bytes = Seeds[seed];
            var i = (int)((uint)position % (uint)bytes.Length);
            return mode switch
            {
                0 => bytes[..i],
                1 => [.. bytes[..i], (byte)(bytes[i] ^ (value | 1)), .. bytes[(i + 1)..]],
                2 => [.. bytes[..i], .. insert, .. bytes[i..]],
                _ => [.. bytes[..i], .. bytes[Math.Min(bytes.Length, i + insert.Length)..]],
            };
        });

    private static readonly Gen<byte[]> Messages = Gen.Frequency((3, Mutated), (1, Gen.Byte.Array[0, 64]));

    [Fact]
    public async Task Random_and_mutated_messages_never_stop_the_replica_and_refused_ones_change_nothing()
    {
        await using var node = await TestCluster.StartNodeAsync("fuzz", options => options.MessageTypes.AddCrdt());
        var replica = await Replica<string, int>.StartAsync(node);
        var peer = await Probe.StartAsync(node); // a neighbour that never answers: only the test changes the replica
        var stranger = await Probe.StartAsync(node);
        replica.Pid.Send(new ReplicaHello(PeerId, peer.Self, Answer: false));
        await replica.SetNeighboursAsync([peer.Self]);

        replica.Pid.Send(new ReplicaEnvelope(PeerId, peer.Self, SyncMessageSerializer.Serialize(new DeltaBatch(1, [Key("seed", 1, 0)]))));
        await Eventually.TrueAsync(() => replica.TryGetValue("seed", out _), "the well-formed seed message applies");

        var refused = 0;
        await Messages.SampleAsync(async bytes =>
        {
            await RefusedChangeNothingAsync(replica, peer.Self, new ReplicaEnvelope(PeerId, peer.Self, bytes), () => refused++);
        }, iter: 300, threads: 1);

        // Envelopes no neighbour could have sent: no sender, a sender that never introduced itself, a forged id.
        var valid = SyncMessageSerializer.Serialize(new DeltaBatch(2, [Key("forged", 99, 9)]));
        foreach (var envelope in new[]
                 {
                     new ReplicaEnvelope(PeerId, null!, valid),
                     new ReplicaEnvelope(PeerId, stranger.Self, valid),
                     new ReplicaEnvelope(PeerId + 1, peer.Self, valid),
                     new ReplicaEnvelope(PeerId, peer.Self, null!),
                 })
        {
            var before = replica.Stats.Malformed;
            await RefusedChangeNothingAsync(replica, peer.Self, envelope, () => refused++);
            Assert.True(replica.Stats.Malformed > before, $"{envelope} was not refused");
        }

        Assert.False(replica.TryGetValue("forged", out _));
        Assert.True(refused > 100, $"only {refused} of the messages were refused: the fuzzing barely reached the checks");

        // Still alive and still applying what a neighbour sends.
        replica.Pid.Send(new ReplicaEnvelope(PeerId, peer.Self, SyncMessageSerializer.Serialize(new DeltaBatch(3, [Key("after", 1_000, 5)]))));
        await Eventually.TrueAsync(() => replica.TryGetValue("after", out var v) && v == 5, "a good message after the fuzzing applies");
    }

    private static async Task RefusedChangeNothingAsync(Replica<string, int> replica, Pid neighbour, ReplicaEnvelope envelope, Action onRefused)
    {
        var before = replica.ToDictionary();
        var malformed = replica.Stats.Malformed;
        replica.Pid.Send(envelope);
        await replica.SetNeighboursAsync([neighbour]); // a call: answered only after the envelope was handled
        if (replica.Stats.Malformed > malformed)
        {
            onRefused();
            Assert.Equal(before, replica.ToDictionary());
        }
    }
}
