using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Horde.Net.Cluster.Transport.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Transport;

/// <summary>
/// A node's connections to other nodes: serves the gRPC endpoint, dials peers, admits at most one connection per
/// peer, and reports peers up and down to the node.
/// </summary>
internal sealed partial class NodeTransport : IAsyncDisposable
{
    /// <summary>The newest protocol this build speaks.</summary>
    public const uint ProtocolVersion = 2;

    /// <summary>The version that added <see cref="WireKind.TracedCall"/>: an older peer gets plain calls.</summary>
    public const uint TracedCallSince = 2;

    /// <summary>The oldest protocol it still talks to, so that a rolling update can mix this build with the one before.</summary>
    public const uint MinProtocolVersion = 1;

    /// <summary>
    /// What a connection speaks: the newest version both sides know, or null when their ranges do not meet. A peer of a
    /// build before version 2 sends no highest version: its range is its one version.
    /// </summary>
    public static uint? Negotiate(uint ourHighest, uint theirLowest, uint theirHighest)
    {
        var common = Math.Min(ourHighest, Math.Max(theirLowest, theirHighest));
        return common >= Math.Max(MinProtocolVersion, theirLowest) ? common : null;
    }

    private readonly Node _node;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<NodeName, PeerConnection> _connections = new();
    private readonly ConcurrentDictionary<NodeName, PendingDial> _dials = new();
    private readonly Lock _admission = new();
    private WebApplication? _server;
    private bool _stopping; // under _admission: no new dials, and a connection admitted now is closed with a goodbye at once

    public NodeTransport(Node node)
    {
        _node = node;
        _logger = node.LoggerFactory.CreateLogger<NodeTransport>();
        Proof = new CookieProof(node.Options.Cookie!);
        Codec = new EnvelopeCodec(node.Options.MessageTypes, new WireOptions(Wire.Options, node));
    }

    public CookieProof Proof { get; }

    public EnvelopeCodec Codec { get; }

    public NetworkFaults Faults { get; } = new();

    public DropCounters Drops => _node.Drops;

    public IReadOnlyCollection<NodeName> ConnectedNodes => [.. _connections.Keys];

    /// <summary>The connected peers that announced they are leaving.</summary>
    public IReadOnlyCollection<NodeName> LeavingNodes => [.. _connections.Values.Where(c => c.PeerLeaving).Select(c => c.Peer)];

    /// <summary>The open connections, for the node's per-peer meters.</summary>
    public IEnumerable<PeerConnection> Connections => _connections.Values;

    public bool TryGetConnection(NodeName peer, out PeerConnection connection) => _connections.TryGetValue(peer, out connection!);

    public async Task ListenAsync(CancellationToken cancellationToken)
    {
        var options = _node.Options;
        var address = options.ListenAddress
            ?? (IPAddress.TryParse(_node.Name.Host, out var ip) ? ip : IPAddress.Any);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        // Only the node's own stop ends this listener: a console lifetime of its own would react to SIGTERM too and
        // start closing connections while the node still drains over them (and log "Application started" twice).
        builder.Services.AddSingleton<IHostLifetime, ListenerLifetime>();
        builder.Services.AddSingleton(_node.LoggerFactory);
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            ApplyLimits(kestrel.Limits, options);
            kestrel.Listen(address, options.ListenPort ?? _node.Name.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.Tls is { } tls)
                {
                    listen.UseHttps(https =>
                    {
                        https.ServerCertificate = tls.Certificate;
                        https.ClientCertificateMode = tls.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate;
                        if (tls.ValidatePeer is { } validate)
                            https.ClientCertificateValidation = (certificate, chain, errors) => validate(this, certificate, chain, errors);
                    });
                }
            });
        });
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxFrameBytes;
            grpc.MaxSendMessageSize = options.MaxFrameBytes;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddSingleton(this);
        var app = builder.Build();
        app.MapGrpcService<NodeLinkService>();
        await app.StartAsync(cancellationToken);
        _server = app;
        TransportLog.Listening(_logger, _node.Name, address.ToString(), options.ListenPort ?? _node.Name.Port);
    }

    /// <summary>
    /// Connects to a peer unless connected; concurrent requests for one peer share one dial. The token cancels the
    /// wait, not the dial: once the peer has our proof it counts the connection up, and a dial cut off then (a host
    /// stopping its membership) would look like a lost connection to it; the dial runs on, bounded by the connect
    /// timeout, and a node that stops meanwhile closes it with a goodbye.
    /// </summary>
    public Task<bool> ConnectAsync(NodeName peer, CancellationToken cancellationToken)
    {
        if (peer == _node.Name)
            throw new ArgumentException($"Node {peer} cannot connect to itself.", nameof(peer));
        if (_connections.ContainsKey(peer))
            return Task.FromResult(true);
        lock (_admission)
        {
            if (_stopping)
                return Task.FromResult(false);
            return _dials.GetOrAdd(peer, DialAndForgetAsync).Task.WaitAsync(cancellationToken);
        }
    }

    private PendingDial DialAndForgetAsync(NodeName peer)
    {
        var pending = new PendingDial(Environment.TickCount64);
        pending.Task = RunAsync();
        return pending;

        async Task<bool> RunAsync()
        {
            await Task.Yield(); // let GetOrAdd store this dial before it can finish
            try
            {
                // Every await in a dial is bounded; this bounds the whole, so a pending dial can never block the
                // peer's own dial (see Admit) for longer than this.
                return await DialAsync(peer).WaitAsync(_node.Options.ConnectTimeout * 2);
            }
            catch (TimeoutException)
            {
                TransportLog.ConnectFailed(_logger, peer, $"the dial did not finish within {(_node.Options.ConnectTimeout * 2).TotalMilliseconds:0} ms");
                return false;
            }
            finally
            {
                _dials.TryRemove(new(peer, pending));
            }
        }
    }

    /// <summary>A dial under way: when it started, and its outcome.</summary>
    private sealed class PendingDial(long startedMs)
    {
        public long StartedMs { get; } = startedMs;

        public Task<bool> Task { get; set; } = null!;
    }

    public async Task DisconnectAsync(NodeName peer)
    {
        if (_connections.TryGetValue(peer, out var connection))
        {
            connection.Close(NodeDownReason.Disconnected, "disconnected by this node", graceful: true);
            await connection.Completion;
        }
    }

    /// <summary>
    /// Decides whether a connection with a peer may be established, the same way on both ends, so that exactly one
    /// survives when two nodes dial each other at once: the dial of the node with the smaller name wins.
    /// </summary>
    /// <returns>Null to admit, or why not.</returns>
    private string? Admit(NodeName peer, ulong incarnation, bool inbound)
    {
        if (_connections.TryGetValue(peer, out var existing) && !existing.IsClosed)
        {
            if (existing.PeerIncarnation == incarnation)
                return "already connected";
            if (existing.PeerIncarnation > incarnation)
                return $"a newer incarnation of {peer} is connected (two nodes with one name?)";
            existing.Close(NodeDownReason.Replaced, "replaced by a newer incarnation of the node");
        }
        // Both dialed at once: the smaller name's dial wins on both ends. A dial of ours that has been pending for
        // half the connect timeout is stalled, not racing: then the peer's dial is let in rather than refused for ever.
        if (inbound && _dials.TryGetValue(peer, out var dialing) && peer.CompareTo(_node.Name) > 0
            && Environment.TickCount64 - dialing.StartedMs < _node.Options.ConnectTimeout.TotalMilliseconds / 2)
            return "both nodes dialed at once; the dial of the node with the smaller name wins";
        return null;
    }

    private bool Register(PeerConnection connection)
    {
        bool stopping;
        lock (_admission)
        {
            if (Admit(connection.Peer, connection.PeerIncarnation, !connection.Dialed) is { } refusal)
            {
                TransportLog.SecondConnection(_logger, connection.Peer, refusal);
                return false;
            }
            if (_connections.TryGetValue(connection.Peer, out var stale))
                _connections.TryRemove(new(connection.Peer, stale));
            _connections[connection.Peer] = connection;
            connection.Registered = true;
            stopping = _stopping;
        }
        TransportLog.NodeUp(_logger, connection.Peer, connection.PeerIncarnation, connection.Dialed ? "dialed" : "accepted");
        // Up before the reader starts, so that a Leaving or a close the peer sends at once comes after it.
        _node.OnNodeUp(new NodeUp(connection.Peer, connection.PeerIncarnation));
        connection.Start();
        // A leaving node still admits peers (they may have work to hand it, and refusing would only make them retry);
        // each learns at once that it is leaving. Read after the registration, so a drain that starts meanwhile
        // reaches this connection here or in AnnounceLeavingAsync.
        if (stopping)
            connection.Close(NodeDownReason.Disconnected, "node stopping", graceful: true); // the handshake finished after the stop began
        else if (_node.State == NodeState.Leaving)
            _ = connection.AnnounceLeavingAsync();
        return true;
    }

    public void OnPeerLeaving(PeerConnection connection, TimeSpan drain)
    {
        TransportLog.NodeLeaving(_logger, connection.Peer, drain.TotalMilliseconds);
        _node.OnNodeLeaving(new NodeLeaving(connection.Peer, connection.PeerIncarnation));
    }

    public void OnClosed(PeerConnection connection, NodeDownReason kind, string reason)
    {
        // A connection replaced by a newer incarnation's is no longer in the table, but its node still went down.
        _connections.TryRemove(new(connection.Peer, connection));
        if (!connection.Registered)
            return;
        TransportLog.NodeDown(_logger, connection.Peer, kind, reason);
        _node.OnNodeDown(new NodeDown(connection.Peer, connection.PeerIncarnation, kind, reason));
    }

    /// <summary>Tells every connected peer that this node is leaving; done when each has the Leaving frame written to it (or closed).</summary>
    public Task AnnounceLeavingAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_connections.Values.Select(c => c.AnnounceLeavingAsync())).WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Task[] dialing;
        lock (_admission)
        {
            _stopping = true;
            dialing = [.. _dials.Values.Select(d => d.Task)];
        }
        // A dial the peer may already count as connected is let finish (each is bounded), so that the peer sees a
        // goodbye rather than a cut handshake; from here on Register closes what it admits, gracefully.
        await Task.WhenAll(dialing).WaitAsync(_node.Options.ConnectTimeout * 2).ContinueWith(static _ => { }, TaskScheduler.Default);
        var closing = _connections.Values.ToList();
        foreach (var connection in closing)
            connection.Close(NodeDownReason.Disconnected, "node stopping", graceful: true);
        await Task.WhenAll(closing.Select(c => c.Completion)).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        if (_server is not null)
        {
            // Every connection was closed above; whatever handshake is still under way is cut off, not waited for
            // (Kestrel would otherwise wait up to its 30 s shutdown timeout).
            using var cutOff = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _server.StopAsync(cutOff.Token);
            await _server.DisposeAsync();
        }
    }

    /// <summary>The listener's host lifetime: it neither waits for nor listens to anything (no console, no signals).</summary>
    private sealed class ListenerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static RpcException Refusal(StatusCode code, string reason) => new(new Status(code, reason));
}
