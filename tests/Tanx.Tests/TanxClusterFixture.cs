using Microsoft.AspNetCore.Builder;
using Tanx.Launcher;

namespace Tanx.Tests;

/// <summary>
/// The demo's set-up, shared by the cluster tests: three Tanx nodes as OS processes behind the YARP load balancer. Each
/// test rolls every node, so whichever runs second starts from a cluster that was rolled once.
/// </summary>
public sealed class TanxClusterFixture : IAsyncLifetime
{
    private int _generation = 1;
    private WebApplication? _balancer;

    public TanxCluster Cluster { get; private set; } = null!; // set by InitializeAsync

    public Uri Url { get; private set; } = null!;

    public string CurrentBuild => $"test-{_generation}";

    public async ValueTask InitializeAsync()
    {
        Cluster = await TanxCluster.StartAsync(3, CurrentBuild);
        var port = TanxCluster.FreePort();
        _balancer = LoadBalancer.Build(port, Cluster.Slots, _ => Task.CompletedTask, _ => Task.CompletedTask);
        await _balancer.StartAsync();
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>Replaces every node, one at a time, by a new build; returns the new build id.</summary>
    public async Task<string> RollAsync(Action<string>? progress = null)
    {
        _generation++;
        await Cluster.RollingUpdateAsync(CurrentBuild, progress, TestContext.Current.CancellationToken);
        return CurrentBuild;
    }

    /// <summary>Where the tests leave screenshots and, when a test fails, what the nodes printed.</summary>
    public static string ArtifactsDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    /// <summary>Writes what every node printed to the artifacts; returns the file's path.</summary>
    public string SaveNodeOutput(string test)
    {
        var path = Path.Combine(ArtifactsDirectory, $"{test}-nodes.log");
        File.WriteAllText(path, Cluster.Output);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_balancer is not null)
            await _balancer.DisposeAsync();
        if (Cluster is not null) // null when the start failed
            await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TanxClusterCollection : ICollectionFixture<TanxClusterFixture>
{
    public const string Name = "Tanx cluster";
}
