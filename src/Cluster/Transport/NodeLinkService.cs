using Grpc.Core;
using Horde.Net.Cluster.Transport.Protocol;

namespace Horde.Net.Cluster.Transport;

/// <summary>The gRPC endpoint other nodes dial; each call is one connection, for as long as it lasts.</summary>
internal sealed class NodeLinkService(NodeTransport transport) : NodeLink.NodeLinkBase
{
    public override Task Connect(IAsyncStreamReader<Frame> requestStream, IServerStreamWriter<Frame> responseStream, ServerCallContext context) =>
        transport.AcceptAsync(requestStream, responseStream, context);
}
