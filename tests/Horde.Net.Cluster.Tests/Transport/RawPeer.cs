using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Horde.Net.Cluster.Transport;
using Horde.Net.Cluster.Transport.Protocol;

namespace Horde.Net.Cluster.Tests.Transport;

/// <summary>A hand-driven peer that speaks the wire protocol frame by frame, to send a node what a real node never would.</summary>
public sealed class RawPeer : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<Frame, Frame> _call;

    private RawPeer(GrpcChannel channel, AsyncDuplexStreamingCall<Frame, Frame> call)
    {
        _channel = channel;
        _call = call;
    }

    public NodeName Name { get; set; } = NodeName.Create("raw", "127.0.0.1", TestCluster.FreePort());

    public uint ProtocolVersion { get; set; } = NodeTransport.ProtocolVersion;

    public static RawPeer Open(Node target, int maxSendBytes = 64 * 1024 * 1024)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{target.Name.Port}", new GrpcChannelOptions { MaxSendMessageSize = maxSendBytes });
        return new RawPeer(channel, new NodeLink.NodeLinkClient(channel).Connect());
    }

    /// <summary>Runs the handshake; with a wrong cookie, the proof is wrong.</summary>
    internal async Task<Challenge> HandshakeAsync(Node target, string cookie, bool sendProof = true)
    {
        var nonce = CookieProof.NewNonce();
        await SendAsync(new Frame
        {
            Hello = new Hello { ProtocolVersion = ProtocolVersion, Node = Name.ToString(), Incarnation = 1, ExpectedPeer = target.Name.ToString(), Nonce = ByteString.CopyFrom(nonce) },
        });
        var challenge = (await ReceiveAsync()).Challenge;
        if (sendProof)
        {
            var proof = new CookieProof(cookie).Prove("dialer", nonce, challenge.Nonce.Span, Name.ToString(), 1, target.Name.ToString(), challenge.Incarnation);
            await SendAsync(new Frame { Proof = new Proof { Proof_ = ByteString.CopyFrom(proof) } });
        }
        return challenge;
    }

    internal Task SendAsync(Frame frame) => _call.RequestStream.WriteAsync(frame);

    internal async Task<Frame> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.True(await _call.ResponseStream.MoveNext(timeout.Token), "the node ended the stream");
        return _call.ResponseStream.Current;
    }

    /// <summary>Reads until the node ends the stream; returns the status it ended it with.</summary>
    internal async Task<StatusCode> ReadUntilClosedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await _call.ResponseStream.MoveNext(timeout.Token))
            {
            }
            return StatusCode.OK;
        }
        catch (RpcException e) when (!timeout.IsCancellationRequested)
        {
            return e.StatusCode;
        }
        catch (IOException) when (!timeout.IsCancellationRequested)
        {
            return StatusCode.Aborted; // the node reset the stream
        }
    }

    public ValueTask DisposeAsync()
    {
        _call.Dispose();
        _channel.Dispose();
        return default;
    }
}
