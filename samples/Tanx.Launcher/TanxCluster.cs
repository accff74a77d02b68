using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tanx.Launcher;

/// <summary>
/// A local Tanx cluster: N nodes as OS processes, each slot with fixed ports, meeting through a static topology. A
/// rolling update replaces them one at a time, as a Kubernetes deployment does: SIGTERM, wait for the drain and exit,
/// start the new build in its place, wait until it has joined.
/// </summary>
public sealed class TanxCluster : IAsyncDisposable
{
    private readonly TanxApp _app;
    private readonly string _cookie = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly TanxNode?[] _nodes;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SemaphoreSlim _updating = new(1);
    private readonly List<TanxNode> _history = [];

    private TanxCluster(TanxApp app, IReadOnlyList<NodeSlot> slots)
    {
        _app = app;
        Slots = slots;
        _nodes = new TanxNode?[slots.Count];
    }

    public IReadOnlyList<NodeSlot> Slots { get; }

    public IReadOnlyList<TanxNode> Nodes => [.. _nodes.OfType<TanxNode>()];

    /// <summary>What every node that ran in this cluster printed, the replaced ones too, for failure reports.</summary>
    public string Output
    {
        get
        {
            lock (_history)
                return string.Join(Environment.NewLine, _history.Select(n => $"---- {n.Slot.HordeName} build {n.Build} pid {n.Pid}{Environment.NewLine}{n.Output}"));
        }
    }

    /// <summary>Prints what the nodes print (the demo), or nothing (tests keep it in <see cref="TanxNode.Output"/>).</summary>
    public Action<TanxNode, string>? OnLine { get; init; }

    public static async Task<TanxCluster> StartAsync(int count, string build, TanxApp? app = null, Action<TanxNode, string>? onLine = null)
    {
        var slots = Enumerable.Range(0, count).Select(i => new NodeSlot(i, FreePort(), FreePort())).ToList();
        var cluster = new TanxCluster(app ?? TanxApp.FromRepository(), slots) { OnLine = onLine };
        try
        {
            await Task.WhenAll(slots.Select(async slot => cluster._nodes[slot.Index] = await cluster.StartNodeAsync(slot, build)));
            await cluster.WaitUntilFormedAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Replaces every node in turn by one running <paramref name="build"/>; <paramref name="progress"/> hears each step.</summary>
    public async Task RollingUpdateAsync(string build, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        await _updating.WaitAsync(cancellationToken);
        try
        {
            foreach (var slot in Slots)
            {
                var old = _nodes[slot.Index] ?? throw new InvalidOperationException($"slot {slot.Index} is empty");
                progress?.Invoke($"SIGTERM {slot.HordeName} (build {old.Build}, pid {old.Pid}): its games move to the other nodes");
                old.Terminate();
                var code = await old.WaitForExitAsync(TimeSpan.FromSeconds(45));
                progress?.Invoke($"{slot.HordeName} drained and exited with code {code}");
                await old.DisposeAsync();
                _nodes[slot.Index] = null;
                _nodes[slot.Index] = await StartNodeAsync(slot, build);
                await WaitUntilFormedAsync(TimeSpan.FromSeconds(60), cancellationToken);
                progress?.Invoke($"{slot.HordeName} is back with build {build} (pid {_nodes[slot.Index]!.Pid}) and has joined");
            }
        }
        finally
        {
            _updating.Release();
        }
    }

    /// <summary>The stats of the node of <paramref name="slot"/>.</summary>
    public Task<NodeStats?> StatsAsync(NodeSlot slot, CancellationToken cancellationToken = default) =>
        _http.GetFromJsonAsync<NodeStats>($"{slot.HttpUrl}/api/stats", cancellationToken);

    /// <summary>Waits (bounded) until every node is ready and sees every other as a live member of the game supervisor.</summary>
    public async Task WaitUntilFormedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var names = Slots.Select(s => s.HordeName).Order().ToList();
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var stats = await Task.WhenAll(Slots.Select(s => StatsAsync(s, cancellationToken)));
                if (stats.All(s => s is not null && s.Members.SequenceEqual(names)))
                    return;
                last = string.Join("; ", stats.Select(s => s is null ? "none" : $"{s.Node} sees {string.Join(",", s.Members)}"));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(100, cancellationToken);
        }
        throw new TimeoutException($"The cluster did not form within {timeout.TotalSeconds:0} s: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.OfType<TanxNode>())
            await node.DisposeAsync();
        _http.Dispose();
        _updating.Dispose();
    }

    private async Task<TanxNode> StartNodeAsync(NodeSlot slot, string build)
    {
        TanxNode node;
        try
        {
            node = await TanxNode.StartAsync(_app, slot, Slots, _cookie, build, OnLine);
        }
        catch (InvalidOperationException) when (Environment.GetEnvironmentVariable("TANX_NO_RETRY") is null)
        {
            // One more try, as a Kubernetes deployment restarts a pod whose start failed: on an overloaded machine a
            // node's first replica write can miss its bound and fail the start (see the report in its output).
            node = await TanxNode.StartAsync(_app, slot, Slots, _cookie, build, OnLine);
        }
        lock (_history)
            _history.Add(node);
        return node;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The part of a node's /api/stats the launcher reads.</summary>
public sealed record NodeStats(string Node, string Build, int Games, int Players, int LocalGames, List<string> Members, TickFiguresDto Ticks, List<GameSummaryDto> GameList);

public sealed record TickFiguresDto(long Count, double IntervalP50, double IntervalP99, double WorkP50, double WorkP99);

public sealed record GameSummaryDto(string Id, string Name, int Players, string Node);
