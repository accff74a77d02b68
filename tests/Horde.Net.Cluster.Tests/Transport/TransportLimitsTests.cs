using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Horde.Net.Cluster.Tests.Transport;

/// <summary>Limits fit for node-to-node links: half-open connections are cut off, and a peer that stops reading cannot grow a node's memory.</summary>
public sealed class TransportLimitsTests
{
    [Fact]
    public async Task A_flood_of_half_open_connections_neither_delays_a_real_peer_nor_is_held_past_the_connect_timeout()
    {
        await using var target = await TestCluster.StartNodeAsync("target", o => o.ConnectTimeout = TimeSpan.FromSeconds(2));
        var counter = await target.StartAsync(() => new Counter(start: 41));
        var flood = new List<Socket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, target.Name.Port);
                // Half an HTTP/2 preface, then nothing: the connection never becomes a request.
                await socket.SendAsync(Encoding.ASCII.GetBytes(i % 2 == 0 ? "PRI * HTTP/2.0\r\n" : "PRI * HTTP/2.0\r\n\r\nSM"));
                flood.Add(socket);
            }

            await using var peer = await TestCluster.StartNodeAsync("peer");
            Assert.True(await peer.ConnectAsync(target.Name), "a real peer could not connect during the flood");
            Assert.Equal(42, await peer.Resolve(counter).CallAsync<int>(new Add(1)));

            // Each half-open socket is closed by the node (a read returns 0 or fails) within a bound well past the
            // 2 s connect timeout used as Kestrel's keep-alive and header timeouts, and far below its default 130 s.
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Task.WhenAll(flood.Select(s => ClosedByPeerAsync(s, bound.Token)));
        }
        finally
        {
            foreach (var socket in flood)
                socket.Dispose();
        }
    }

    [Fact]
    public async Task A_peer_that_stops_reading_fills_a_bounded_queue_then_casts_are_dropped_and_calls_fail_fast()
    {
        const long Bound = 1024 * 1024;
        await using var cluster = await TestCluster.StartAsync(2, configure: o =>
        {
            o.MaxFrameBytes = 256 * 1024;
            o.MaxOutboundQueueBytes = Bound;
            o.FailureThreshold = TimeSpan.FromSeconds(60); // the stalled link must stay up for the test
        });
        var remoteProbe = await Probe.StartAsync(cluster[1]);
        var remote = cluster[0].Resolve(remoteProbe.Self);
        cluster[0].Faults!.Stall(cluster[1].Name);

        var chunk = new byte[16 * 1024];
        for (var i = 0; i < 1000; i++) // 16 MB offered to a 1 MiB queue
            remote.Cast(chunk);

        Assert.True(cluster[0].Drops.OutboundQueueFull > 0, "casts past the bound should be dropped");
        var dropped = cluster[0].Drops.OutboundQueueFull;
        for (var i = 0; i < 100_000 && cluster[0].Drops.OutboundQueueFull == dropped; i++)
            remote.Cast(0); // the smallest message fills what room is left

        Assert.True(cluster[0].TryGetQueuedBytes(cluster[1].Name, out var queued));
        Assert.InRange(queued, 0, Bound);
        await Assert.ThrowsAsync<OutboundQueueFullException>(async () => await remote.CallAsync<int>(new Get(), TimeSpan.FromSeconds(20)).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        var local = await cluster[0].StartAsync(() => new Counter(start: 1));
        Assert.Equal(2, await local.CallAsync<int>(new Add(1))); // the node itself stays responsive
    }

    private static async Task ClosedByPeerAsync(Socket socket, CancellationToken bound)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, bound) > 0)
            {
                // the node may answer with its own preface or a GOAWAY before it closes
            }
        }
        catch (SocketException)
        {
            // reset by the node: closed too
        }
    }
}
