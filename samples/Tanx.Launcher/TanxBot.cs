using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Tanx.Launcher;

/// <summary>
/// A headless player: joins a game, enters at a free entry point, drives and turns at random, fires when it can, and
/// pulls the arena with two views in flight as the browser does, counting the frames it gets. When its connection
/// drops (its node was stopped) it reconnects and rejoins with its handle; if the game does not know it any more it
/// counts itself lost.
/// </summary>
public sealed class TanxBot(Uri url, string gameId, string name, int seed)
{
    private const int ViewsInFlight = 2;
    private readonly Random _random = new(seed);
    private long _frames;
    private long _reconnects;

    public string GameId => gameId;

    public string Name => name;

    public string? Handle { get; private set; }

    public string? PlayerId { get; private set; }

    public long Frames => Interlocked.Read(ref _frames);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Why the bot's player is gone, if it is (the game no longer knew its handle, or the game is gone).</summary>
    public string? Lost { get; private set; }

    /// <summary>The last view it received.</summary>
    public JsonNode? LastView { get; private set; }

    /// <summary>Plays until <paramref name="stopping"/> fires or its player is lost.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested && Lost is null)
        {
            BotConnection connection;
            try
            {
                connection = await BotConnection.ConnectAsync(url, stopping);
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException)
            {
                await Task.Delay(backoff, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromMilliseconds(Math.Min(2000, backoff.TotalMilliseconds * 2));
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromMilliseconds(100);
            await using (connection)
            {
                try
                {
                    await PlayAsync(connection, stopping);
                }
                catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException or ObjectDisposedException)
                {
                    // The node went away (or we stop): reconnect, through the load balancer, and rejoin.
                }
                catch (BotRequestException e) when (e.Message == "no such game")
                {
                    Lost = $"game {gameId} is gone";
                }
            }
            if (!stopping.IsCancellationRequested && Lost is null)
                Interlocked.Increment(ref _reconnects);
        }
    }

    private async Task PlayAsync(BotConnection connection, CancellationToken stopping)
    {
        if (Handle is null)
        {
            var joined = await connection.RequestAsync("join", new { game = gameId, name }, stopping);
            Handle = joined!["handle"]!.GetValue<string>();
            PlayerId = joined["playerId"]!.GetValue<string>();
        }
        else if (await connection.RequestAsync("rejoin", new { game = gameId, handle = Handle }, stopping) is null)
        {
            Lost = $"game {gameId} no longer knows player {PlayerId}";
            return;
        }
        var views = Enumerable.Range(0, ViewsInFlight).Select(_ => PullAsync(connection, stopping)).ToList();
        var acting = ActAsync(connection, stopping);
        await Task.WhenAll([.. views, acting]);
    }

    private async Task PullAsync(BotConnection connection, CancellationToken stopping)
    {
        var spacing = Stopwatch.StartNew();
        while (!stopping.IsCancellationRequested && Lost is null)
        {
            var served = await connection.RequestAsync("view", new { game = gameId, handle = Handle }, stopping);
            var view = served!["view"];
            LastView = view;
            Interlocked.Increment(ref _frames);
            if (view!["me"] is null)
            {
                Lost = $"game {gameId} removed player {PlayerId}";
                return;
            }
            // About a screen's frame rate, as the page: more would only load the game.
            var wait = 15 - spacing.Elapsed.TotalMilliseconds;
            if (wait > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(wait), stopping);
            spacing.Restart();
        }
    }

    private async Task ActAsync(BotConnection connection, CancellationToken stopping)
    {
        string[] buttons = ["forward", "backward", "left", "right"];
        while (!stopping.IsCancellationRequested && Lost is null)
        {
            var me = LastView?["me"];
            if (me is not null && !me["hasTank"]!.GetValue<bool>())
            {
                var free = LastView!["entryPoints"]!.AsArray().Where(e => e!["available"]!.GetValue<bool>()).Select(e => e!["name"]!.GetValue<string>()).ToList();
                if (free.Count > 0)
                    await connection.RequestAsync("spawn", new { game = gameId, handle = Handle, entry = free[_random.Next(free.Count)] }, stopping);
            }
            else if (me is not null)
            {
                var button = buttons[_random.Next(buttons.Length)];
                await connection.RequestAsync("control", new { game = gameId, handle = Handle, button, down = _random.Next(3) != 0 }, stopping);
                if (_random.Next(2) == 0)
                    await connection.RequestAsync("fire", new { game = gameId, handle = Handle }, stopping);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 + _random.Next(200)), stopping);
        }
    }
}
