namespace Horde.Net.Cluster.Transport;

/// <summary>
/// Messages a node dropped instead of sending, by cause. A cast or plain message never throws at the sender (as one to
/// a dead process), so these counters are where such drops show; each cause is also logged.
/// </summary>
public sealed class DropCounters
{
    private long _unregisteredType;
    private long _outboundQueueFull;

    /// <summary>Casts and plain messages to another node whose type is not registered (see <see cref="MessageTypeRegistry"/>).</summary>
    public long UnregisteredType => Volatile.Read(ref _unregisteredType);

    /// <summary>Casts and plain messages dropped because the queue to their node was full (see <see cref="NodeOptions.MaxOutboundQueueBytes"/>).</summary>
    public long OutboundQueueFull => Volatile.Read(ref _outboundQueueFull);

    internal long CountUnregistered() => Interlocked.Increment(ref _unregisteredType);

    internal long CountQueueFull() => Interlocked.Increment(ref _outboundQueueFull);
}
