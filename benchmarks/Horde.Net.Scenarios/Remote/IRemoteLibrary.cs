namespace Horde.Net.Scenarios.Remote;

/// <summary>A port to bind and the port peers are told to dial (a counting proxy's, or the same).</summary>
public sealed record NodeEndpoint(int BindPort, int AdvertisedPort);

/// <summary>
/// One library's side of the remote scenarios. The serving process calls <see cref="ServeAsync"/>;
/// the runner calls <see cref="ConnectAsync"/> and drives the returned client.
/// To add Horde.Net: implement this with two Horde.Net.Cluster nodes (see the TODO in
/// <see cref="RemoteLibraries"/>).
/// </summary>
public interface IRemoteLibrary
{
    /// <summary>Short name used on the command line (akka, proto, horde).</summary>
    string Name { get; }

    /// <summary>Display name with version, for the results table.</summary>
    string DisplayName { get; }

    /// <summary>
    /// Starts a node that serves the one-way receiver (<see cref="RemoteWorkload.ReceiverName"/>:
    /// acks every <see cref="RemoteWorkload.AckEvery"/> messages to whoever said Hello) and the call
    /// target (<see cref="RemoteWorkload.EchoName"/>: replies Pong with the Ping's seq).
    /// Disposing stops the node.
    /// </summary>
    Task<IAsyncDisposable> ServeAsync(NodeEndpoint self);

    /// <summary>Starts a node on <paramref name="self"/> connected to the serving node at <paramref name="server"/>.</summary>
    Task<IRemoteClient> ConnectAsync(NodeEndpoint self, NodeEndpoint server);
}

/// <summary>The runner's handle on a connected client node.</summary>
public interface IRemoteClient : IAsyncDisposable
{
    /// <summary>Sends <paramref name="messages"/> one-way messages to the remote receiver under the credit window; completes when all are acknowledged.</summary>
    Task SendOneWayAsync(long messages);

    /// <summary>One call round trip to the remote echo.</summary>
    Task CallAsync(long seq);
}
