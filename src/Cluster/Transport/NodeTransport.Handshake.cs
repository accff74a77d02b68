using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Horde.Net.Cluster.Transport.Protocol;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Transport;

// The handshake. Dialer: Hello -> (Challenge) -> Proof -> (Welcome). Listener: (Hello) -> Challenge -> (Proof) -> Welcome.
// Each side proves it knows the cookie over both nonces; a refusal is an RPC error whose detail says why, logged on both sides.
internal sealed partial class NodeTransport
{
    private async Task<bool> DialAsync(NodeName peer)
    {
        var options = _node.Options;
        var host = peer.Host.Contains(':') ? $"[{peer.Host}]" : peer.Host;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        if (options.Tls is { } tls)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = tls.ValidatePeer;
            if (tls.RequireClientCertificate)
                handler.SslOptions.ClientCertificates = [tls.Certificate];
        }
        var scheme = options.Tls is null ? "http" : "https";
        var channel = GrpcChannel.ForAddress($"{scheme}://{host}:{peer.Port}", new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = options.MaxFrameBytes,
            MaxSendMessageSize = options.MaxFrameBytes,
            LoggerFactory = _node.LoggerFactory,
        });
        var streamLife = new CancellationTokenSource();
        AsyncDuplexStreamingCall<Frame, Frame>? call = null;
        var handedOver = false;
        try
        {
            using var handshake = new CancellationTokenSource(options.ConnectTimeout);
            call = new NodeLink.NodeLinkClient(channel).Connect(cancellationToken: streamLife.Token);
            var nonce = CookieProof.NewNonce();
            await call.RequestStream.WriteAsync(new Frame
            {
                Hello = new Hello
                {
                    ProtocolVersion = MinProtocolVersion,
                    HighestProtocolVersion = Faults.ProtocolVersion,
                    Node = _node.Name.ToString(),
                    Incarnation = _node.Incarnation,
                    ExpectedPeer = peer.ToString(),
                    Nonce = ByteString.CopyFrom(nonce),
                },
            }, handshake.Token);

            var challenge = (await ReadFrameAsync(call.ResponseStream, Frame.BodyOneofCase.Challenge, handshake.Token)).Challenge;
            if (Negotiate(Faults.ProtocolVersion, challenge.ProtocolVersion, challenge.HighestProtocolVersion) is not { } protocol)
                throw new HandshakeException($"{peer} {Incompatible(challenge.ProtocolVersion, challenge.HighestProtocolVersion)}");
            if (challenge.Node != peer.ToString())
                throw new HandshakeException($"dialed {peer} but {challenge.Node} answered");
            var expected = Proof.Prove("listener", nonce, challenge.Nonce.Span, _node.Name.ToString(), _node.Incarnation, peer.ToString(), challenge.Incarnation);
            if (!CookieProof.Matches(expected, challenge.Proof.Span))
                throw new HandshakeException($"{peer} does not know the cookie");
            var proof = Proof.Prove("dialer", nonce, challenge.Nonce.Span, _node.Name.ToString(), _node.Incarnation, peer.ToString(), challenge.Incarnation);
            await call.RequestStream.WriteAsync(new Frame { Proof = new Proof { Proof_ = ByteString.CopyFrom(proof) } }, handshake.Token);
            if (Faults.WelcomeDelay > TimeSpan.Zero)
                await Task.Delay(Faults.WelcomeDelay, handshake.Token); // the window in which only the listener counts the connection up
            await ReadFrameAsync(call.ResponseStream, Frame.BodyOneofCase.Welcome, handshake.Token);

            var finished = call;
            var connection = new PeerConnection(_node, this, peer, challenge.Incarnation, protocol, dialed: true,
                call.ResponseStream, call.RequestStream, () => finished.RequestStream.CompleteAsync(),
                new Resources(finished, streamLife, channel));
            if (!Register(connection))
                return await WaitForConnectionAsync(peer); // never started: the finally disposes its stream
            handedOver = true;
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
            TransportLog.SecondConnection(_logger, peer, $"it kept another connection ({e.Status.Detail})");
            return await WaitForConnectionAsync(peer);
        }
        catch (RpcException e)
        {
            TransportLog.ConnectFailed(_logger, peer, string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail);
            return false;
        }
        catch (HandshakeException e)
        {
            TransportLog.PeerRefused(_logger, peer, e.Message);
            return false;
        }
        catch (OperationCanceledException)
        {
            TransportLog.ConnectFailed(_logger, peer, $"no handshake within {options.ConnectTimeout.TotalMilliseconds:0} ms");
            return false;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException)
        {
            TransportLog.ConnectFailed(_logger, peer, e.Message);
            return false;
        }
        finally
        {
            if (!handedOver)
                new Resources(call, streamLife, channel).Dispose();
        }
    }

    /// <summary>The peer kept the connection it dialed itself; wait (bounded) until that one is registered here.</summary>
    private async Task<bool> WaitForConnectionAsync(NodeName peer)
    {
        var deadline = Environment.TickCount64 + (long)_node.Options.ConnectTimeout.TotalMilliseconds;
        while (!_connections.ContainsKey(peer))
        {
            if (Environment.TickCount64 > deadline)
                return false;
            await Task.Delay(10);
        }
        return true;
    }

    /// <summary>The listener's side, run for each incoming stream until the connection ends.</summary>
    public async Task AcceptAsync(IAsyncStreamReader<Frame> input, IServerStreamWriter<Frame> output, ServerCallContext context)
    {
        NodeName peer = default;
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            handshake.CancelAfter(_node.Options.ConnectTimeout);
            var hello = (await ReadFrameAsync(input, Frame.BodyOneofCase.Hello, handshake.Token)).Hello;
            if (Negotiate(Faults.ProtocolVersion, hello.ProtocolVersion, hello.HighestProtocolVersion) is not { } protocol)
                throw Refuse(StatusCode.FailedPrecondition, hello.Node, $"it {Incompatible(hello.ProtocolVersion, hello.HighestProtocolVersion)}");
            if (!NodeName.TryParse(hello.Node, out peer))
                throw Refuse(StatusCode.InvalidArgument, hello.Node, "its name is not name@host:port");
            if (hello.ExpectedPeer != _node.Name.ToString())
                throw Refuse(StatusCode.FailedPrecondition, hello.Node, $"it dialed {hello.ExpectedPeer}, but this is {_node.Name}");
            if (peer == _node.Name)
                throw Refuse(StatusCode.AlreadyExists, hello.Node, "it has this node's own name");
            if (hello.Nonce.Length != CookieProof.NonceBytes)
                throw Refuse(StatusCode.InvalidArgument, hello.Node, "its nonce has the wrong size");
            lock (_admission)
            {
                if (Admit(peer, hello.Incarnation, inbound: true) is { } refusal)
                    throw new RpcException(new Status(StatusCode.AlreadyExists, refusal));
            }

            var nonce = CookieProof.NewNonce();
            var proof = Proof.Prove("listener", hello.Nonce.Span, nonce, hello.Node, hello.Incarnation, _node.Name.ToString(), _node.Incarnation);
            await output.WriteAsync(new Frame
            {
                Challenge = new Challenge
                {
                    // An older build compares this with its one version: answer with the one this connection speaks.
                    ProtocolVersion = protocol,
                    HighestProtocolVersion = Faults.ProtocolVersion,
                    Node = _node.Name.ToString(),
                    Incarnation = _node.Incarnation,
                    Nonce = ByteString.CopyFrom(nonce),
                    Proof = ByteString.CopyFrom(proof),
                },
            }, handshake.Token);
            var answer = (await ReadFrameAsync(input, Frame.BodyOneofCase.Proof, handshake.Token)).Proof;
            var expected = Proof.Prove("dialer", hello.Nonce.Span, nonce, hello.Node, hello.Incarnation, _node.Name.ToString(), _node.Incarnation);
            if (!CookieProof.Matches(expected, answer.Proof_.Span))
                throw Refuse(StatusCode.PermissionDenied, hello.Node, "it does not know the cookie");

            var connection = new PeerConnection(_node, this, peer, hello.Incarnation, protocol, dialed: false,
                input, output, () => Task.CompletedTask, resources: null);
            await output.WriteAsync(new Frame { Welcome = new Welcome() }, handshake.Token);
            if (!Register(connection))
                throw new RpcException(new Status(StatusCode.AlreadyExists, "already connected"));
            await connection.Completion;
        }
        catch (HandshakeException e)
        {
            TransportLog.ConnectionRefused(_logger, peer.IsEmpty ? "an unknown node" : peer.ToString(), e.Message);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            TransportLog.ConnectionRefused(_logger, peer.IsEmpty ? "an unknown node" : peer.ToString(), $"no handshake within {_node.Options.ConnectTimeout.TotalMilliseconds:0} ms");
        }
    }

    private string Incompatible(uint lowest, uint highest) =>
        $"speaks protocol {lowest}{(highest > lowest ? $" to {highest}" : "")}, this node {MinProtocolVersion} to {Faults.ProtocolVersion}";

    private RpcException Refuse(StatusCode code, string peer, string reason)
    {
        TransportLog.ConnectionRefused(_logger, peer, reason);
        return Refusal(code, reason);
    }

    private static async Task<Frame> ReadFrameAsync(IAsyncStreamReader<Frame> input, Frame.BodyOneofCase expected, CancellationToken cancellationToken)
    {
        if (!await input.MoveNext(cancellationToken))
            throw new HandshakeException($"the stream ended before {expected}");
        var frame = input.Current;
        return frame.BodyCase == expected
            ? frame
            : throw new HandshakeException($"expected {expected} but got {frame.BodyCase}");
    }

    /// <summary>The dialer's call, its cancellation and its channel, disposed together when the connection ends.</summary>
    private sealed class Resources(AsyncDuplexStreamingCall<Frame, Frame>? call, CancellationTokenSource life, GrpcChannel channel) : IDisposable
    {
        public void Dispose()
        {
            life.Cancel();
            call?.Dispose();
            channel.Dispose();
            life.Dispose();
        }
    }
}

/// <summary>The handshake failed for a reason worth logging.</summary>
internal sealed class HandshakeException(string message) : Exception(message);
