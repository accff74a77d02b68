using System.Collections.Concurrent;
using System.Globalization;

namespace Horde.Net.Supervisor.Tests.OsProcesses;

/// <summary>
/// Supervisor nodes, each in its own OS process (the test node's <c>supervisor</c> mode, run by the Generic Host), that
/// find each other through a static list of every name the test will use, so a replacement with a new name joins too.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly IReadOnlyList<NodeName> _names;
    private readonly List<NodeProcess> _all = [];

    private ProcessCluster(IReadOnlyList<NodeName> names) => _names = names;

    /// <summary>The nodes running now, in start order (lock it to read it off the test's thread, or take <see cref="Snapshot"/>).</summary>
    private List<NodeProcess> Running { get; } = [];

    /// <summary>The nodes running now.</summary>
    public List<NodeProcess> Snapshot()
    {
        lock (Running)
            return [.. Running];
    }

    /// <summary>Names for <paramref name="count"/> nodes (each on a free port); start the first <paramref name="start"/> of them.</summary>
    public static async Task<ProcessCluster> StartAsync(int count, int start)
    {
        var cluster = new ProcessCluster([.. Enumerable.Range(0, count).Select(i => NodeName.Create($"s{i}", "127.0.0.1", TestCluster.FreePort()))]);
        try
        {
            await Task.WhenAll(cluster._names.Take(start).Select(cluster.StartAsync));
            await cluster.WaitUntilAllSeeAsync(start);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public NodeName this[int index] => _names[index];

    /// <summary>Starts node <paramref name="name"/> (one of the names given at the start; again after a stop).</summary>
    public async Task<NodeProcess> StartAsync(NodeName name)
    {
        var environment = new Dictionary<string, string>
        {
            ["Horde__Membership__ReconnectInterval"] = "00:00:01",
            ["Horde__Membership__Topologies__all__Strategy"] = "Static",
        };
        for (var i = 0; i < _names.Count; i++)
            environment[$"Horde__Membership__Topologies__all__Config__Nodes__{i}"] = _names[i].ToString();
        var node = await NodeProcess.StartHostAsync(name, environment, "supervisor");
        lock (Running)
        {
            _all.Add(node);
            Running.Add(node);
        }
        return node;
    }

    /// <summary>SIGTERM: waits for the process to exit after its drain, with code 0.</summary>
    public async Task TerminateAsync(NodeProcess node)
    {
        lock (Running)
            Running.Remove(node);
        node.Terminate();
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(20)), $"{node.Name} did not exit within 20 s of SIGTERM:{Environment.NewLine}{node.Output}");
        Assert.Equal(0, node.ExitCode);
    }

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync(NodeProcess node)
    {
        lock (Running)
            Running.Remove(node);
        node.Kill();
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"{node.Name} did not exit after SIGKILL");
    }

    /// <summary>Waits until every running node sees <paramref name="live"/> live members.</summary>
    public Task WaitUntilAllSeeAsync(int live, TimeSpan? timeout = null)
    {
        var seen = new ConcurrentDictionary<NodeName, string>();
        return Eventually.TrueAsync(async () =>
        {
            var statuses = await Task.WhenAll(Snapshot().Select(async n => seen[n.Name] = await n.CommandAsync("status")));
            return statuses.All(s => Status(s)["live"] == live);
        }, () => $"every node sees {live} live members ({string.Join("; ", seen.Select(kv => $"{kv.Key}: {kv.Value}"))})", timeout ?? TimeSpan.FromSeconds(20));
    }

    /// <summary>Waits until every running node counts <paramref name="children"/> children, all running, and they run <paramref name="children"/> instances between them.</summary>
    public Task WaitUntilAllRunAsync(int children, TimeSpan timeout)
    {
        var seen = "";
        return Eventually.TrueAsync(async () =>
        {
            var statuses = await Task.WhenAll(Snapshot().Select(n => n.CommandAsync("status")));
            var local = await Task.WhenAll(Snapshot().Select(LocalAsync));
            seen = $"{string.Join("; ", statuses)}; local {string.Join("/", local.Select(l => l.Count))}";
            return statuses.All(s => Status(s)["specs"] == children && Status(s)["active"] == children) && local.Sum(l => l.Count) == children;
        }, () => $"the running nodes count and run {children} children ({seen})", timeout);
    }

    /// <summary>The instances running on <paramref name="node"/>: id to epoch.</summary>
    public static async Task<Dictionary<string, long>> LocalAsync(NodeProcess node)
    {
        var answer = await node.CommandAsync("local");
        Assert.False(answer.StartsWith("ERROR", StringComparison.Ordinal), answer);
        return answer.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split(':'))
            .ToDictionary(e => e[0], e => long.Parse(e[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The values of children <paramref name="prefix"/>-0 … as <paramref name="node"/> reads them by id.</summary>
    public static async Task<int[]> StatesAsync(NodeProcess node, string prefix, int count)
    {
        var answer = await node.CommandAsync($"states {prefix} {count}");
        Assert.False(answer.StartsWith("ERROR", StringComparison.Ordinal), answer);
        return [.. answer.Split(' ').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
    }

    /// <summary>A <c>status</c> answer's fields.</summary>
    public static Dictionary<string, int> Status(string answer)
    {
        Assert.False(answer.StartsWith("ERROR", StringComparison.Ordinal), answer);
        return answer.Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => int.Parse(f[1], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _all)
            await node.DisposeAsync();
    }
}
