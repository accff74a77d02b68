using ExCluster.Demo;

namespace ExCluster.Tests;

/// <summary>Three ExCluster nodes, each its own OS process, shared by the API tests.</summary>
public sealed class ApiCluster : IAsyncLifetime
{
    private LocalCluster? _cluster;

    public LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask InitializeAsync() =>
        _cluster = await LocalCluster.StartAsync(3, Roll.NodeSettings(null), TimeSpan.FromSeconds(120));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}
