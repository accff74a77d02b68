namespace Horde.Net.Cluster;

/// <summary>A process on another node answered a call with an error (see <see cref="HordeProcess"/>'s <c>ReplyError</c>).</summary>
public sealed class RemoteCallException(string remoteType, string message)
    : Exception($"{remoteType}: {message}")
{
    /// <summary>The full name of the exception type on the remote node.</summary>
    public string RemoteType { get; } = remoteType;
}

/// <summary>A call to another node failed at once: too many bytes already wait to be sent to that node (see <see cref="NodeOptions.MaxOutboundQueueBytes"/>).</summary>
public sealed class OutboundQueueFullException(NodeName peer, long maxBytes)
    : Exception($"The queue of messages to node {peer} is full ({maxBytes} bytes waiting): the node is not reading fast enough, or not at all.")
{
    /// <summary>The node the call was for.</summary>
    public NodeName Peer { get; } = peer;
}

/// <summary>A message of a type that is not in <see cref="NodeOptions.MessageTypes"/> was sent to another node.</summary>
public sealed class UnregisteredMessageTypeException(Type type)
    : Exception($"{type.FullName} is not a registered message type, so it cannot be sent to another node; add it with NodeOptions.MessageTypes.Add<{type.Name}>() on every node.")
{
    /// <summary>The type.</summary>
    public Type Type { get; } = type;
}

/// <summary>A peer broke the protocol; its connection is closed.</summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
