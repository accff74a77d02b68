using CsCheck;
using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

public sealed class GossipHeartbeatTests
{
    private static readonly NodeName Node = NodeName.Parse("orders@[::1]:4000");
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_sealed_heartbeat_round_trips_and_hides_the_name()
    {
        using var codec = new GossipHeartbeat("secret");
        var packet = codec.Encode(Node, Now);

        Assert.True(codec.TryDecode(packet, out var node, out var sentAt, out var reason), reason);
        Assert.Equal((Node, Now), (node, sentAt));
        Assert.Equal(-1, packet.AsSpan().IndexOf("orders"u8));
    }

    [Fact]
    public void Any_altered_byte_of_a_sealed_heartbeat_is_rejected()
    {
        using var codec = new GossipHeartbeat("secret");
        var packet = codec.Encode(Node, Now);
        for (var i = 0; i < packet.Length; i++)
        {
            var altered = packet.ToArray();
            altered[i] ^= 0x01;
            Assert.False(codec.TryDecode(altered, out _, out _, out _), $"byte {i} altered was accepted");
        }
    }

    [Fact]
    public void Clear_and_sealed_heartbeats_are_not_mixed()
    {
        using var clear = new GossipHeartbeat(null);
        using var sealedCodec = new GossipHeartbeat("secret");
        Assert.True(clear.TryDecode(clear.Encode(Node, Now), out var node, out _, out _));
        Assert.Equal(Node, node);
        Assert.False(sealedCodec.TryDecode(clear.Encode(Node, Now), out _, out _, out var reason));
        Assert.Contains("requires the shared secret", reason);
        Assert.False(clear.TryDecode(sealedCodec.Encode(Node, Now), out _, out _, out reason));
        Assert.Contains("no secret", reason);
    }

    [Fact]
    public void One_codec_seals_and_opens_from_several_threads_at_once()
    {
        // The strategy's send loop and receive loop share one codec.
        using var codec = new GossipHeartbeat("secret");
        var packet = codec.Encode(Node, Now);
        var failures = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var ok = i % 2 == 0
                ? codec.TryDecode(packet, out _, out _, out _)
                : codec.TryDecode(codec.Encode(Node, Now), out _, out _, out _);
            if (!ok)
                Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Random_bytes_from_the_network_never_throw()
    {
        using var clear = new GossipHeartbeat(null);
        using var sealedCodec = new GossipHeartbeat("secret");
        Gen.Byte.Array[0, GossipHeartbeat.MaxPacketSize + 10].Sample(bytes =>
        {
            // Half the samples start like a heartbeat, to get past the magic.
            var packet = bytes.Length > 5 && bytes[0] % 2 == 0 ? [.. "HGS1"u8, (byte)(bytes[1] % 3), .. bytes[5..]] : bytes;
            clear.TryDecode(packet, out _, out _, out _);
            sealedCodec.TryDecode(packet, out _, out _, out _);
        });
    }
}
