using Horde.Net.Crdt.Sync;
using MessagePack;

namespace Horde.Net.Crdt.Tests;

public class MalformedMessageTests
{
    private static byte[] Encode<T>(T value) =>
        MessagePackSerializer.Serialize(value, MessagePackSerializerOptions.Standard, TestContext.Current.CancellationToken);

    [Fact]
    public void Bad_messages_are_rejected_without_harm_and_the_replica_keeps_working()
    {
        var transport = new RecordingTransport();
        var replica = new ReplicaCore<string, int>(new ReplicaOptions(), transport, newReplicaId: 1);
        replica.SetNeighbours([2], 1_000); // messages from a replica that is not a neighbour are dropped unread
        replica.Put("kept", 1, 1_000);

        Assert.False(replica.OnMessage(2, new DeltaBatch(1, null!), 1_000));
        Assert.False(replica.OnMessage(2, new RangePush(1, [new WireRange(5, 1)], []), 1_000));
        Assert.False(replica.OnMessage(2, new TreeLevel(9, [0], [0]), 1_000));
        Assert.False(replica.OnMessage(2, new DeltaBatch(1, [new WireKey([0xc1], [], [])]), 1_000));
        Assert.False(replica.OnMessage(2, new DeltaBatch(1, [new WireKey(Encode("x"), [new WireEntry(2, 0, 0, 0, [1])], [])]), 1_000));
        Assert.Throws<MessagePackSerializationException>(() => SyncMessageSerializer.Deserialize(new byte[] { 0x93, 0xff, 0x00 }));

        Assert.Equal(5, replica.Stats.Malformed);
        Assert.True(replica.TryGetValue("kept", out _));
        Assert.False(replica.TryGetValue("x", out _));

        var good = new DeltaBatch(7, [new WireKey(Encode("y"), [new WireEntry(2, 1, 1_000, 0, Encode(5))], [])]);
        Assert.True(replica.OnMessage(2, SyncMessageSerializer.Deserialize(SyncMessageSerializer.Serialize(good)), 1_001));
        Assert.True(replica.TryGetValue("y", out var y));
        Assert.Equal(5, y);
        Assert.Contains(transport.Sent, s => s.To == 2 && s.Message is DeltaAck(7, 7));
    }

    [Fact]
    public void A_message_refused_for_one_bad_key_applies_none_of_its_good_keys()
    {
        var replica = new ReplicaCore<string, int>(new ReplicaOptions(), new RecordingTransport(), newReplicaId: 1);
        replica.SetNeighbours([2], 0);
        var good = new WireKey(Encode("good"), [new WireEntry(2, 1, 1_000, 0, Encode(1))], []);
        var bad = new WireKey(Encode("bad"), [new WireEntry(2, 2, 1_000, 0, [0xc1])], []); // 0xc1: never valid MessagePack

        Assert.False(replica.OnMessage(2, new DeltaBatch(1, [good, bad]), 1_000));
        Assert.False(replica.OnMessage(2, new Repair([good, bad]), 1_000));
        Assert.False(replica.OnMessage(2, new RangePush(1, [new WireRange(0, ulong.MaxValue)], [good, bad]), 1_000));

        Assert.Equal(0, replica.Count);
        Assert.Equal(0, replica.Stats.KeysReceived);
        Assert.True(replica.OnMessage(2, new DeltaBatch(1, [good]), 1_000)); // and the dot was not marked seen either
        Assert.True(replica.TryGetValue("good", out _));
    }
}
