using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Transport;

/// <summary>
/// The transport's log events, 1000–1099: a node's connections coming up, leaving and going down, refusals (a peer
/// without the cookie, another protocol) and bad input. The ids are stable: filter and alert on them.
/// </summary>
internal static partial class TransportLog
{
    [LoggerMessage(1000, LogLevel.Information, "Node {Node} listening on {Address}:{Port}.")]
    public static partial void Listening(ILogger logger, NodeName node, string address, int port);

    [LoggerMessage(1001, LogLevel.Information, "Connected to node {Peer} (incarnation {Incarnation:x}, {Direction}).")]
    public static partial void NodeUp(ILogger logger, NodeName peer, ulong incarnation, string direction);

    [LoggerMessage(1002, LogLevel.Information, "Node {Peer} is leaving; it drains for up to {Drain:0} ms and says goodbye then.")]
    public static partial void NodeLeaving(ILogger logger, NodeName peer, double drain);

    [LoggerMessage(1003, LogLevel.Information, "Disconnected from node {Peer} ({Kind}): {Reason}.")]
    public static partial void NodeDown(ILogger logger, NodeName peer, NodeDownReason kind, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Could not connect to node {Peer}: {Reason}.")]
    public static partial void ConnectFailed(ILogger logger, NodeName peer, string reason);

    /// <summary>This node dialed and refused what answered (the peer does not know the cookie, another protocol, another node).</summary>
    [LoggerMessage(1005, LogLevel.Warning, "Refused node {Peer}: {Reason}.")]
    public static partial void PeerRefused(ILogger logger, NodeName peer, string reason);

    /// <summary>A node that dialed this one was refused (it does not know the cookie, another protocol, a bad hello).</summary>
    [LoggerMessage(1006, LogLevel.Warning, "Refused a connection from {Peer}: {Reason}.")]
    public static partial void ConnectionRefused(ILogger logger, string peer, string reason);

    [LoggerMessage(1007, LogLevel.Warning, "Closing the connection to {Peer}: it sent bad data ({Reason}).")]
    public static partial void BadData(ILogger logger, NodeName peer, string reason);

    [LoggerMessage(1008, LogLevel.Warning, "Node {Peer} has been silent for {Silent:0} ms; declaring it down.")]
    public static partial void HeartbeatTimeout(ILogger logger, NodeName peer, double silent);

    [LoggerMessage(1009, LogLevel.Warning, "Dropped a {Type} to node {Peer}: {Reason} ({Count} dropped for this cause so far).")]
    public static partial void Dropped(ILogger logger, Exception? error, string? type, NodeName peer, string reason, long count);

    [LoggerMessage(1010, LogLevel.Debug, "Not keeping a second connection to {Peer}: {Reason}.")]
    public static partial void SecondConnection(ILogger logger, NodeName peer, string reason);
}
