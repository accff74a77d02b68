using System.Buffers;
using MessagePack;

namespace Horde.Net.Cluster.Tests.Serialization;

/// <summary>A pid on the wire: its node's name as text, kept as it was while the formatter caches the names it sees.</summary>
public sealed class PidWireTests
{
    [Fact]
    public void A_pid_is_written_as_its_node_name_text_incarnation_and_serial()
    {
        var pid = new Pid(NodeName.Parse("a@127.0.0.1:4000"), 7, 42);
        var expected = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(expected);
        writer.WriteArrayHeader(3);
        writer.Write("a@127.0.0.1:4000");
        writer.Write(7UL);
        writer.Write(42L);
        writer.Flush();

        for (var i = 0; i < 2; i++) // the second time from the cache
            Assert.Equal(expected.WrittenSpan.ToArray(), MessagePackSerializer.Serialize(pid, Wire.Options));
    }

    [Fact]
    public void Pids_of_more_nodes_than_the_cache_holds_come_back_with_their_own_node()
    {
        var pids = Enumerable.Range(0, 100).Select(i => new Pid(NodeName.Create($"n{i % 40}", "127.0.0.1", 4000 + (i % 40)), (ulong)i, i)).ToArray();
        foreach (var pid in pids.Concat(pids))
        {
            var back = MessagePackSerializer.Deserialize<Pid>(MessagePackSerializer.Serialize(pid, Wire.Options), Wire.Options);
            Assert.Equal(pid, back);
            Assert.Equal(pid.Node, back.Node);
        }
    }

    [Theory]
    [InlineData("not a node name")]
    [InlineData("")]
    public void A_pid_whose_node_text_is_no_node_name_is_refused(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(3);
        writer.Write(text);
        writer.Write(1UL);
        writer.Write(1L);
        writer.Flush();

        for (var i = 0; i < 2; i++) // a refused name is not cached either
            Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<Pid>(buffer.WrittenMemory, Wire.Options));
    }
}
