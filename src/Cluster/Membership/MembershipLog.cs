using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Membership;

/// <summary>Every log line of membership, each written once per change rather than once per poll.</summary>
internal static partial class MembershipLog
{
    [LoggerMessage(4000, LogLevel.Information, "Topology {Topology} now lists {Count} peer(s): {Peers} (added: {Added}; removed: {Removed})")]
    public static partial void TopologyChanged(ILogger logger, string topology, int count, string peers, string added, string removed);

    [LoggerMessage(4001, LogLevel.Information, "Cluster members changed: joined {Joined}; left {Left}; members now ({Count}): {Members}")]
    public static partial void MembersChanged(ILogger logger, string joined, string left, int count, string members);

    [LoggerMessage(4002, LogLevel.Warning, "Cannot connect to listed node {Node}; retrying every {Interval}")]
    public static partial void ConnectFailed(ILogger logger, NodeName node, TimeSpan interval, Exception? exception);

    [LoggerMessage(4003, LogLevel.Information, "Connected to listed node {Node} after {Attempts} failed attempt(s)")]
    public static partial void ConnectRecovered(ILogger logger, NodeName node, int attempts);

    [LoggerMessage(4004, LogLevel.Information, "Disconnecting {Node}: no topology lists it any more")]
    public static partial void Disconnecting(ILogger logger, NodeName node);

    [LoggerMessage(4005, LogLevel.Warning, "Topology {Topology}: cannot read peers, keeping the previous list: {Reason}")]
    public static partial void PollFailed(ILogger logger, string topology, string reason, Exception exception);

    [LoggerMessage(4006, LogLevel.Information, "Topology {Topology}: reading peers works again")]
    public static partial void PollRecovered(ILogger logger, string topology);

    [LoggerMessage(4007, LogLevel.Error, "Topology {Topology} stopped with an error; restarting it in {Delay}")]
    public static partial void StrategyCrashed(ILogger logger, string topology, TimeSpan delay, Exception exception);

    [LoggerMessage(4008, LogLevel.Error, "A membership event handler threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(4009, LogLevel.Warning, "Disconnecting {Node} failed; trying again next round")]
    public static partial void DisconnectFailed(ILogger logger, NodeName node, Exception exception);

    [LoggerMessage(4010, LogLevel.Error,
        "Topology {Topology}: the Kubernetes API refused to list {Resource} in namespace {Namespace} (403 Forbidden), so no peers are listed. " +
        "The pod's service account needs a Role with this rule, bound to it by a RoleBinding: {Rule}")]
    public static partial void KubernetesForbidden(ILogger logger, string topology, string resource, string @namespace, string rule);

    [LoggerMessage(4011, LogLevel.Warning, "Topology {Topology}: gossip packet from {Sender} ignored: {Reason}")]
    public static partial void GossipPacketRejected(ILogger logger, string topology, string sender, string reason);

    [LoggerMessage(4012, LogLevel.Warning, "Topology {Topology}: sending the gossip heartbeat failed: {Reason}")]
    public static partial void GossipSendFailed(ILogger logger, string topology, string reason);

    public static string Join(IEnumerable<NodeName> nodes)
    {
        var text = string.Join(", ", nodes.Order());
        return text.Length == 0 ? "none" : text;
    }
}
