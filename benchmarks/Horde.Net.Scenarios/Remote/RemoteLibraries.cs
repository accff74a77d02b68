namespace Horde.Net.Scenarios.Remote;

/// <summary>The libraries the remote scenarios can run, by command-line name.</summary>
public static class RemoteLibraries
{
    /// <summary>Every library, in table order.</summary>
    public static IReadOnlyList<IRemoteLibrary> All { get; } =
    [
        new AkkaRemoteLibrary(),
        new ProtoRemoteLibrary(),
        // TODO(Horde.Net): add `new HordeNetRemoteLibrary()` here once the transport exists (issue 3):
        // ServeAsync starts a Horde.Net.Cluster.Node on self.BindPort (advertising self.AdvertisedPort)
        // with a receiver and an echo process registered under RemoteWorkload.ReceiverName / EchoName;
        // ConnectAsync starts a second node, connects it, and drives a sender process using CreditWindow.
    ];

    /// <summary>Finds a library by its short name.</summary>
    public static IRemoteLibrary Get(string name) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown library '{name}'; known: {string.Join(", ", All.Select(l => l.Name))}");
}
