using System.Net;

namespace Horde.Net.Cluster;

/// <summary>Settings of a <see cref="Node"/>.</summary>
public sealed class NodeOptions
{
    /// <summary>The node's name, <c>name@host:port</c>; the port is where it listens for other nodes. A node that never joins a cluster can keep the default.</summary>
    public NodeName Name { get; set; } = NodeName.Create("nonode", "localhost", 4369);

    /// <summary>
    /// The secret every node of the cluster shares, as Erlang's cookie. A peer that cannot prove it knows it is refused;
    /// the cookie itself never crosses the network. Required to listen or connect.
    /// </summary>
    public string? Cookie { get; set; }

    /// <summary>The address to listen on; by default the host of <see cref="Name"/> if it is an IP address, else every address.</summary>
    public IPAddress? ListenAddress { get; set; }

    /// <summary>The port to listen on when it differs from the port of <see cref="Name"/> (behind a port mapping or proxy).</summary>
    public int? ListenPort { get; set; }

    /// <summary>TLS between nodes; none by default (the cookie still authenticates every peer).</summary>
    public NodeTlsOptions? Tls { get; set; }

    /// <summary>How long <see cref="Pid.CallAsync{TReply}(object, TimeSpan?, CancellationToken)"/> waits when no timeout is given: 5 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a graceful stop (<see cref="Node.StopAsync(CancellationToken)"/>) may spend announcing and draining
    /// before it stops the processes anyway: 20 s. Keep it below Kubernetes' <c>terminationGracePeriodSeconds</c>
    /// (30 s by default) and the host's <c>HostOptions.ShutdownTimeout</c>.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The types that may be sent to processes on other nodes.</summary>
    public MessageTypeRegistry MessageTypes { get; } = new();

    /// <summary>
    /// How often a node sends a heartbeat on an otherwise idle connection: 2 s (a busy connection sends none). It sets
    /// what an idle cluster costs, not how fast a silent peer is found (<see cref="FailureThreshold"/> does): each
    /// heartbeat wakes a few thread-pool threads on both ends, which at 1 s was most of an idle node's CPU, while 2 s still
    /// puts two heartbeats in every threshold of 5 s (the BEAM ticks every 15 s of its 60 s).
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A peer silent for this long is declared down and its connection closed: 5 s.</summary>
    public TimeSpan FailureThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long dialing and the handshake may take: 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest frame a node sends or accepts: 16 MiB. A larger one closes the connection.</summary>
    public int MaxFrameBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most bytes of messages waiting to be sent to one peer: 64 MiB. Past it, casts and plain messages to that
    /// peer are dropped (counted in <see cref="Node.Drops"/> and logged) and calls fail at once with
    /// <see cref="OutboundQueueFullException"/>, so a peer that stops reading cannot make this node's memory grow.
    /// </summary>
    public long MaxOutboundQueueBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Most connections the node's listener holds at once, half-open ones included: 1024.</summary>
    public int MaxInboundConnections { get; set; } = 1024;

    /// <summary>At most this many envelopes go into one frame; 1 turns batching off, to measure what it is worth.</summary>
    internal int MaxBatchEnvelopes { get; set; } = 4096;

    internal void ValidateForCluster()
    {
        if (FindClusterProblem() is { } problem)
            throw new InvalidOperationException(problem.Problem);
    }

    /// <summary>The first setting that keeps this node from joining a cluster, and what is wrong with it; null if none.</summary>
    internal (string Setting, string Problem)? FindClusterProblem()
    {
        if (string.IsNullOrEmpty(Cookie))
            return (nameof(Cookie), "A node needs a Cookie (the secret all nodes of the cluster share) to listen or connect; set NodeOptions.Cookie, e.g. from the Horde__Cookie environment variable.");
        if (HeartbeatInterval <= TimeSpan.Zero)
            return (nameof(HeartbeatInterval), $"HeartbeatInterval ({HeartbeatInterval}) must be positive.");
        if (FailureThreshold <= HeartbeatInterval)
            return (nameof(FailureThreshold), $"FailureThreshold ({FailureThreshold}) must be larger than HeartbeatInterval ({HeartbeatInterval}).");
        if (MaxFrameBytes < 64 * 1024)
            return (nameof(MaxFrameBytes), $"MaxFrameBytes ({MaxFrameBytes}) must be at least 64 KiB.");
        if (MaxOutboundQueueBytes < MaxFrameBytes)
            return (nameof(MaxOutboundQueueBytes), $"MaxOutboundQueueBytes ({MaxOutboundQueueBytes}) must be at least MaxFrameBytes ({MaxFrameBytes}), so that one largest message fits.");
        if (MaxInboundConnections < 1)
            return (nameof(MaxInboundConnections), $"MaxInboundConnections ({MaxInboundConnections}) must be positive.");
        return null;
    }
}
