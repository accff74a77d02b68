using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Horde.Net.Cluster.Transport.Protocol;
using MessagePack;

namespace Horde.Net.Cluster.Tests.Transport;

public sealed class TransportSecurityTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async ValueTask InitializeAsync() => _cluster = await TestCluster.StartAsync(2, configure: o =>
    {
        o.MaxFrameBytes = 256 * 1024;
        o.ConnectTimeout = TimeSpan.FromSeconds(2); // how long a peer that never proves itself is kept
    });

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>The nodes still talk to each other: whatever was thrown at one did not take it down.</summary>
    private async Task AssertClusterStillWorksAsync()
    {
        var pid = await _cluster[1].StartAsync(() => new Counter(start: 42));
        Assert.Equal(42, await _cluster[0].Resolve(pid).CallAsync<int>(new Get()));
    }

    [Fact]
    public async Task A_node_with_the_wrong_cookie_is_refused_both_ways_and_gets_nothing()
    {
        await using var intruder = await TestCluster.StartNodeAsync("intruder", o => o.Cookie = "wrong");
        var target = await _cluster[0].StartAsync(() => new Counter());

        Assert.False(await intruder.ConnectAsync(_cluster[0].Name));
        Assert.False(await _cluster[0].ConnectAsync(intruder.Name));
        Assert.DoesNotContain(intruder.Name, _cluster[0].ConnectedNodes);
        Assert.Empty(intruder.ConnectedNodes);
        Assert.True(TestLogging.Factory.Contains("does not know the cookie"));
        // Each dialer finds first that the listener's proof is wrong: event 1005 on both sides.
        Assert.True(TestLogging.Factory.Has(1005, $"Refused node {_cluster[0].Name}", "does not know the cookie"), "event 1005 on the intruder");
        Assert.True(TestLogging.Factory.Has(1005, $"Refused node {intruder.Name}", "does not know the cookie"), "event 1005 on the member");
        var error = await Assert.ThrowsAsync<ProcessExitedException>(async () => await intruder.Resolve(target).CallAsync<int>(new Get()));
        Assert.Equal(ExitReason.NoConnection, error.Reason);
    }

    [Fact]
    public async Task A_wrong_proof_is_refused_with_permission_denied()
    {
        await using var raw = RawPeer.Open(_cluster[0]);
        await raw.HandshakeAsync(_cluster[0], cookie: "guess");
        Assert.Equal(StatusCode.PermissionDenied, await raw.ReadUntilClosedAsync());
        Assert.DoesNotContain(raw.Name, _cluster[0].ConnectedNodes);
        Assert.True(TestLogging.Factory.Has(1006, $"Refused a connection from {raw.Name}", "does not know the cookie"), "event 1006 (an authentication failure) was logged");
    }

    [Fact]
    public async Task A_peer_speaking_another_protocol_version_is_refused_with_a_logged_reason()
    {
        await using var raw = RawPeer.Open(_cluster[0]);
        raw.ProtocolVersion = 99;
        await Assert.ThrowsAnyAsync<Exception>(() => raw.HandshakeAsync(_cluster[0], TestCluster.Cookie));
        Assert.True(TestLogging.Factory.Contains("it speaks protocol 99"));
        Assert.DoesNotContain(raw.Name, _cluster[0].ConnectedNodes);
    }

    [Fact]
    public async Task A_peer_using_the_nodes_own_name_is_refused()
    {
        await using var raw = RawPeer.Open(_cluster[0]);
        raw.Name = _cluster[0].Name;
        await Assert.ThrowsAnyAsync<Exception>(() => raw.HandshakeAsync(_cluster[0], TestCluster.Cookie));
        Assert.True(TestLogging.Factory.Contains("it has this node's own name"));
    }

    [Fact]
    public async Task A_second_live_node_claiming_a_connected_name_is_refused()
    {
        // Node 1 is connected to node 0; a stranger with node 1's name and an older incarnation must not take its place.
        await using var raw = RawPeer.Open(_cluster[0]);
        raw.Name = _cluster[1].Name;
        await Assert.ThrowsAnyAsync<Exception>(() => raw.HandshakeAsync(_cluster[0], TestCluster.Cookie));
        Assert.Contains(_cluster[1].Name, _cluster[0].ConnectedNodes);
        await AssertClusterStillWorksAsync();
    }

    [Fact]
    public async Task A_peer_that_never_proves_itself_is_dropped_after_the_connect_timeout()
    {
        await using var raw = RawPeer.Open(_cluster[0]);
        await raw.HandshakeAsync(_cluster[0], TestCluster.Cookie, sendProof: false);
        await raw.ReadUntilClosedAsync(); // bounded by the node's connect timeout
        Assert.DoesNotContain(raw.Name, _cluster[0].ConnectedNodes);
    }

    [Fact]
    public async Task Garbage_bytes_on_the_port_do_not_crash_the_node()
    {
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", _cluster[0].Name.Port);
            var garbage = new byte[256 * 1024];
            new Random(7).NextBytes(garbage);
            try
            {
                await client.GetStream().WriteAsync(garbage);
            }
            catch (IOException)
            {
                // the node may hang up on us halfway: that is the point
            }
        }
        await AssertClusterStillWorksAsync();
    }

    [Fact]
    public async Task An_oversized_frame_closes_only_that_connection()
    {
        await using var raw = RawPeer.Open(_cluster[0]);
        await raw.HandshakeAsync(_cluster[0], TestCluster.Cookie);
        Assert.Equal(Frame.BodyOneofCase.Welcome, (await raw.ReceiveAsync()).BodyCase);
        try
        {
            await raw.SendAsync(new Frame { Batch = new Batch { Count = 1, Envelopes = ByteString.CopyFrom(new byte[512 * 1024]) } });
        }
        catch (IOException)
        {
            // the node may reset the stream before the whole frame is written
        }
        Assert.NotEqual(StatusCode.OK, await raw.ReadUntilClosedAsync());
        await Eventually.TrueAsync(() => !_cluster[0].ConnectedNodes.Contains(raw.Name), "the oversized peer is disconnected");
        Assert.True(TestLogging.Factory.Contains("exceeds the maximum"), "the reason is logged");
        await AssertClusterStillWorksAsync();
    }

    [Fact]
    public async Task An_unknown_type_id_closes_that_connection_with_a_logged_reason()
    {
        var target = await _cluster[0].StartAsync(() => new Counter());
        await using var raw = RawPeer.Open(_cluster[0]);
        await raw.HandshakeAsync(_cluster[0], TestCluster.Cookie);
        Assert.Equal(Frame.BodyOneofCase.Welcome, (await raw.ReceiveAsync()).BodyCase);
        Assert.Contains(raw.Name, _cluster[0].ConnectedNodes);

        var batch = new ArrayBufferWriterWithBytes();
        var writer = new MessagePackWriter(batch);
        writer.Write((byte)1); // cast
        writer.Write(target.Serial);
        writer.Write(999_999); // no such type id
        writer.WriteNil();
        writer.Flush();
        await raw.SendAsync(new Frame { Batch = new Batch { Count = 1, Envelopes = ByteString.CopyFrom(batch.WrittenSpan) } });

        await Eventually.TrueAsync(() => !_cluster[0].ConnectedNodes.Contains(raw.Name), "the peer that sent an unknown type id is disconnected");
        Assert.True(TestLogging.Factory.Contains("unknown message type id 999999"));
        Assert.Equal(0, await _cluster[0].Resolve(target).CallAsync<int>(new Get()));
        await AssertClusterStillWorksAsync();
    }

    private sealed class ArrayBufferWriterWithBytes : System.Buffers.IBufferWriter<byte>
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _inner = new();

        public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
    }
}
