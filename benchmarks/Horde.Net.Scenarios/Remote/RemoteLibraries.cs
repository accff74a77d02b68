namespace Horde.Net.Scenarios.Remote;

/// <summary>The libraries the remote scenarios can run, by command-line name.</summary>
public static class RemoteLibraries
{
    /// <summary>Every library, in table order.</summary>
    public static IReadOnlyList<IRemoteLibrary> All { get; } =
    [
        new AkkaRemoteLibrary(),
        new ProtoRemoteLibrary(),
        new HordeNetRemoteLibrary(),
        new HordeNetRemoteLibrary(maxBatchEnvelopes: 1),
    ];

    /// <summary>Finds a library by its short name.</summary>
    public static IRemoteLibrary Get(string name) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown library '{name}'; known: {string.Join(", ", All.Select(l => l.Name))}");
}
