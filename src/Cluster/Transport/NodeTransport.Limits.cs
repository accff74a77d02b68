using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Horde.Net.Cluster.Transport;

// Kestrel's defaults suit browsers: a connection that never completes its HTTP/2 preface is held for the 130 s
// keep-alive timeout. A node-to-node link opens its one stream at once, so anything slower than the connect timeout
// is not a peer and is cut off; a long-lived stream is unaffected (keep-alive only counts while no stream is open).
internal sealed partial class NodeTransport
{
    private static void ApplyLimits(KestrelServerLimits limits, NodeOptions options)
    {
        limits.KeepAliveTimeout = options.ConnectTimeout;
        limits.RequestHeadersTimeout = options.ConnectTimeout;
        limits.MaxConcurrentConnections = options.MaxInboundConnections;
        limits.MaxConcurrentUpgradedConnections = options.MaxInboundConnections;
        limits.Http2.MaxStreamsPerConnection = 4; // one connection stream; a few more to be forgiving of retries
        limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
    }
}
