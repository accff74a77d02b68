using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// Finds peers by UDP multicast heartbeats (libcluster's <c>Gossip</c>): every node announces its name to
/// a multicast group each <see cref="GossipOptions.HeartbeatInterval"/>, lists every node it hears, and drops
/// a node not heard for <see cref="GossipOptions.PeerTimeout"/>. With a <see cref="GossipOptions.Secret"/>,
/// heartbeats are sealed with AES-GCM and unsealed or foreign ones are ignored.
/// </summary>
public sealed class GossipStrategy : IMembershipStrategy
{
    private readonly GossipOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IPAddress _group;
    private readonly IPAddress _interface;
    private readonly Dictionary<NodeName, DateTimeOffset> _lastHeard = [];
    private readonly HashSet<(string Sender, string Reason)> _rejectionsLogged = [];
    private string? _lastSendError;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentException">An address, port, TTL or interval is invalid.</exception>
    public GossipStrategy(string topology, GossipOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topology);
        ArgumentNullException.ThrowIfNull(options);
        Topology = topology;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        if (!IPAddress.TryParse(options.MulticastAddress, out var group) || group.AddressFamily != AddressFamily.InterNetwork || (group.GetAddressBytes()[0] & 0xF0) != 0xE0)
            throw new ArgumentException($"Topology '{topology}': MulticastAddress '{options.MulticastAddress}' is not an IPv4 multicast address (224.0.0.0/4).", nameof(options));
        if (!IPAddress.TryParse(options.MulticastInterface, out var nic) || nic.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException($"Topology '{topology}': MulticastInterface '{options.MulticastInterface}' is not an IPv4 address.", nameof(options));
        DnsNames.ValidPort(options.Port, topology);
        if (options.MulticastTtl is < 0 or > 255)
            throw new ArgumentException($"Topology '{topology}': MulticastTtl must be between 0 and 255.", nameof(options));
        if (options.HeartbeatInterval <= TimeSpan.Zero || options.PeerTimeout <= options.HeartbeatInterval)
            throw new ArgumentException($"Topology '{topology}': HeartbeatInterval must be positive and PeerTimeout longer than it.", nameof(options));
        _group = group;
        _interface = nic;
    }

    /// <inheritdoc />
    public string Topology { get; }

    /// <inheritdoc />
    public async Task RunAsync(IPeerListSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        using var heartbeat = new GossipHeartbeat(_options.Secret);
        using var socket = OpenSocket();
        Publish(sink); // nobody heard yet: an empty list, so that the node counts as joined without waiting for a peer
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveAsync(socket, heartbeat, sink, stop.Token);
        try
        {
            await SendAndExpireAsync(socket, heartbeat, sink, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private Socket OpenSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Several nodes on one host (and tests) listen on the same port.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, _options.Port));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(_group, _interface));
            // Choosing the interface by address sends on it without needing a multicast route (loopback has none).
            if (!_interface.Equals(IPAddress.Any))
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, _interface.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, _options.MulticastTtl);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task SendAndExpireAsync(Socket socket, GossipHeartbeat heartbeat, IPeerListSink sink, CancellationToken cancellationToken)
    {
        var target = new IPEndPoint(_group, _options.Port);
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        do
        {
            try
            {
                await socket.SendToAsync(heartbeat.Encode(sink.Self, _time.GetUtcNow()), SocketFlags.None, target, cancellationToken);
                _lastSendError = null;
            }
            catch (SocketException e)
            {
                if (e.Message != _lastSendError)
                    MembershipLog.GossipSendFailed(_logger, Topology, e.Message);
                _lastSendError = e.Message;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // stopped mid-send: a stop, not a failure
            }
            Expire(sink);
        }
        while (await PollingMembershipStrategy.WaitAsync(timer, cancellationToken));
    }

    private async Task ReceiveAsync(Socket socket, GossipHeartbeat heartbeat, IPeerListSink sink, CancellationToken cancellationToken)
    {
        var buffer = new byte[GossipHeartbeat.MaxPacketSize + 1];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A UDP socket reports earlier send errors on receive; the next datagram is fine.
                continue;
            }
            var sender = received.RemoteEndPoint.ToString() ?? "?";
            var now = _time.GetUtcNow();
            if (!heartbeat.TryDecode(buffer.AsSpan(0, received.ReceivedBytes), out var node, out var sentAt, out var reason))
                Reject(sender, reason);
            else if (heartbeat.IsSealed && (now - sentAt).Duration() > _options.MaxClockSkew)
                Reject(sender, "sealed heartbeat outside the allowed clock skew (a replay, or a clock far off)");
            else if (node != sink.Self)
                Heard(node, now, sink);
        }
    }

    private void Heard(NodeName node, DateTimeOffset now, IPeerListSink sink)
    {
        bool isNew;
        lock (_lastHeard)
        {
            isNew = !_lastHeard.ContainsKey(node);
            _lastHeard[node] = now;
        }
        if (isNew)
            Publish(sink);
    }

    private void Expire(IPeerListSink sink)
    {
        var cutoff = _time.GetUtcNow() - _options.PeerTimeout;
        int removed;
        lock (_lastHeard)
            removed = _lastHeard.Where(p => p.Value < cutoff).Select(p => p.Key).ToList().Count(_lastHeard.Remove);
        if (removed > 0)
            Publish(sink);
    }

    private void Publish(IPeerListSink sink)
    {
        // Under the lock, so two threads cannot publish their snapshots in the wrong order.
        lock (_lastHeard)
            sink.Publish(_lastHeard.Keys.ToHashSet());
    }

    private void Reject(string sender, string reason)
    {
        // Once per sender and reason: a stranger on the group must not flood the log.
        lock (_rejectionsLogged)
        {
            if (_rejectionsLogged.Count > 1000 || !_rejectionsLogged.Add((sender, reason)))
                return;
        }
        MembershipLog.GossipPacketRejected(_logger, Topology, sender, reason);
    }
}
