using System.Net.Http.Json;

namespace Tanx.Launcher;

/// <summary>
/// The load benchmark: one node runs N games with 4 bots each (the bots in this process, over WebSockets); after a
/// warm-up it reports the node's interval between a game's physics steps (20 ms at a steady 50 Hz) and the frames per
/// second each bot received.
/// </summary>
public static class Bench
{
    public const int BotsPerGame = 4;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(int[] gameCounts)
    {
        if (gameCounts.Length == 0)
            gameCounts = [10, 25, 50, 100];
        Console.WriteLine("| games | bots | step interval p50 (ms) | p99 (ms) | step work p99 (ms) | frames/s per bot (min / mean) | 50 Hz held (p99 < 25 ms) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var games in gameCounts)
        {
            await using var cluster = await TanxCluster.StartAsync(1, "bench");
            var slot = cluster.Slots[0];
            var url = new Uri(slot.HttpUrl);
            using var http = new HttpClient();
            using var stop = new CancellationTokenSource();
            var bots = new List<TanxBot>();
            await using (var lobby = await BotConnection.ConnectAsync(url, CancellationToken.None))
            {
                for (var g = 0; g < games; g++)
                {
                    var game = await lobby.RequestAsync("create", new { name = $"bench {g}" });
                    var id = game!["id"]!.GetValue<string>();
                    bots.AddRange(Enumerable.Range(0, BotsPerGame).Select(b => new TanxBot(url, id, $"bot{g}.{b}", g * 10 + b)));
                }
            }
            var running = bots.Select(b => b.RunAsync(stop.Token)).ToList();
            await Task.Delay(Warmup);
            await http.PostAsync(new Uri(url, "/api/stats/reset"), null);
            var before = bots.Select(b => b.Frames).ToArray();
            await Task.Delay(Measure);
            var stats = await cluster.StatsAsync(slot) ?? throw new InvalidOperationException("no stats");
            var fps = bots.Select((b, i) => (b.Frames - before[i]) / Measure.TotalSeconds).ToList();
            await stop.CancelAsync();
            await Task.WhenAll(running);
            var t = stats.Ticks;
            Console.WriteLine($"| {games} | {bots.Count} | {t.IntervalP50:0.0} | {t.IntervalP99:0.0} | {t.WorkP99:0.00} | {fps.Min():0} / {fps.Average():0} | {(t.IntervalP99 < 25 ? "yes" : "no")} |");
        }
        return 0;
    }
}
