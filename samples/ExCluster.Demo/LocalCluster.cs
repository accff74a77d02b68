using System.Diagnostics;
using System.Globalization;

namespace ExCluster.Demo;

/// <summary>What replacing one node came to.</summary>
/// <summary>One node replaced: by which signal, how long it took, and what the old process logged as warnings or errors.</summary>
public sealed record Replacement(string Old, string New, StopSignal Signal, int ExitCode, TimeSpan Stopped, TimeSpan Ready, DateTime SignalledAt, IReadOnlyList<string> OldWarnings);

/// <summary>
/// ExCluster nodes on loopback, each its own OS process, and the HTTP endpoints a load balancer would send requests to:
/// a node is taken out before it is signalled (as Kubernetes takes a terminating pod out of its endpoints) and put in
/// once it is ready.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<ExClusterNode> _nodes = [];
    private readonly List<string> _startCrashes = [];
    private readonly Lock _gate = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _cookie = "demo-" + Guid.NewGuid().ToString("N");
    private int _nextName;
    private Uri[] _serving = [];

    private LocalCluster(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    /// <summary>The nodes now, by slot.</summary>
    public IReadOnlyList<ExClusterNode> Nodes
    {
        get
        {
            lock (_gate)
                return [.. _nodes];
        }
    }

    /// <summary>The HTTP endpoints of the nodes that take requests now.</summary>
    public IReadOnlyList<Uri> Serving => Volatile.Read(ref _serving);

    /// <summary>
    /// Starts <paramref name="count"/> nodes and waits until each is ready and sees all. <paramref name="settings"/> are
    /// extra environment variables of every node (Horde__…, Orders__CheckpointInterval).
    /// </summary>
    public static async Task<LocalCluster> StartAsync(int count, IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var cluster = new LocalCluster(settings);
        try
        {
            // One after another, as pods of a new deployment come up: a 2-core machine starting them all at once spends
            // its first seconds compiling three web hosts at a time.
            var names = Enumerable.Range(0, count).Select(_ => cluster.NewName()).ToList();
            foreach (var name in names)
            {
                cluster._nodes.Add(await cluster.StartReadyAsync(name, names, names[..(cluster._nodes.Count + 1)], timeout));
            }
            await Task.WhenAll(cluster._nodes.Select(n => n.WaitReadyAsync(names, timeout)));
            cluster.UpdateServing();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Replaces the node in <paramref name="slot"/>: takes it out of serving, signals it, waits for its exit, starts a new
    /// process (a new incarnation) under the same name or a new one, waits until every node sees it, puts it in.
    /// </summary>
    public async Task<Replacement> ReplaceAsync(int slot, StopSignal signal, bool sameName, TimeSpan timeout)
    {
        var old = Nodes[slot];
        lock (_gate)
            _serving = [.. _serving.Where(u => u != old.Http)];
        var clock = Stopwatch.StartNew();
        var signalledAt = DateTime.UtcNow;
        old.Stop(signal);
        var exitCode = await old.WaitForExitAsync(timeout);
        var stopped = clock.Elapsed;
        var warnings = old.Warnings;
        await old.DisposeAsync();

        var name = sameName ? old.Name : NewName();
        var others = Nodes.Where(n => n != old).ToList();
        var members = others.Select(n => n.Name).Append(name).ToList();
        var next = await StartReadyAsync(name, members, members, timeout);
        lock (_gate)
            _nodes[slot] = next;
        await Task.WhenAll(others.Select(n => WaitUntilAsync(() => n.SeesAsync(members), timeout, $"{n.Name} sees {name}")));
        UpdateServing();
        return new Replacement(old.Name, name, signal, exitCode, stopped, clock.Elapsed - stopped, signalledAt, warnings);
    }

    /// <summary>Node processes that exited before they were ready and were started again, each with why.</summary>
    public IReadOnlyList<string> StartCrashes
    {
        get
        {
            lock (_gate)
                return [.. _startCrashes];
        }
    }

    /// <summary>
    /// Starts a node and waits until it is ready and sees <paramref name="members"/>. A process that exits first is
    /// started again (at most twice), as the kubelet restarts a crashed container, and the crash is recorded.
    /// </summary>
    private async Task<ExClusterNode> StartReadyAsync(string name, IEnumerable<string> peers, IReadOnlyCollection<string> members, TimeSpan timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var node = ExClusterNode.Start(name, peers, _cookie, _settings);
            try
            {
                await node.WaitReadyAsync(members, timeout);
                return node;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                await node.DisposeAsync(); // never leave a process behind, whatever happens next
                if (e is TimeoutException || attempt == 3)
                    throw;
                var why = node.Output.Split(Environment.NewLine).FirstOrDefault(l => l.Contains("Hosting failed", StringComparison.Ordinal)) ?? e.Message.Split(Environment.NewLine)[0];
                lock (_gate)
                    _startCrashes.Add($"{name}: {why[..Math.Min(why.Length, 240)]}");
            }
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting until {what}.");
            await Task.Delay(100);
        }
    }

    private string NewName() => string.Create(CultureInfo.InvariantCulture, $"n{_nextName++}@127.0.0.1:{Ports.Free()}");

    private void UpdateServing()
    {
        lock (_gate)
            _serving = [.. _nodes.Select(n => n.Http)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
    }
}
