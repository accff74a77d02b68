using System.Text.Json.Nodes;
using Tanx.Launcher;

namespace Tanx.Tests;

[Collection(TanxClusterCollection.Name)]
public sealed class RollingUpdateBotsTests(TanxClusterFixture fixture)
{
    private const int Games = 5, BotsPerGame = 4;

    [Fact]
    public async Task Five_games_of_four_bots_keep_every_game_and_player_through_a_rolling_update()
    {
        var ct = TestContext.Current.CancellationToken;
        var ids = new List<string>();
        await using (var lobby = await BotConnection.ConnectAsync(fixture.Url, ct))
        {
            for (var g = 0; g < Games; g++)
                ids.Add((await lobby.RequestAsync("create", new { name = $"bots {g}" }, ct))!["id"]!.GetValue<string>());
        }
        var bots = ids.SelectMany((id, g) => Enumerable.Range(0, BotsPerGame).Select(b => new TanxBot(fixture.Url, id, $"bot{g}.{b}", g * 10 + b))).ToList();
        using var stop = new CancellationTokenSource();
        var running = bots.Select(b => b.RunAsync(stop.Token)).ToList();
        try
        {
            await Eventually.TrueAsync(() => bots.All(b => b.Frames > 10 && b.LastView?["me"] is not null), "every bot has joined and receives frames", TimeSpan.FromSeconds(30));
            var before = bots.ToDictionary(b => b, b => (Me(b)!["kills"]!.GetValue<int>(), Me(b)!["deaths"]!.GetValue<int>()));
            var oldBuild = fixture.CurrentBuild;

            var build = await fixture.RollAsync();

            var framesAtEnd = bots.ToDictionary(b => b, b => b.Frames);
            bool Playing(TanxBot b) => b.Frames > framesAtEnd[b] + 10 && b.LastView?["gameBuild"]?.GetValue<string>() == build;
            await Eventually.TrueAsync(() => Task.FromResult(bots.All(Playing)),
                () => $"every bot receives frames from its game on the new build {build}; still not: " +
                    string.Join("; ", bots.Where(b => !Playing(b)).Select(b => $"{b.Name}: lost={b.Lost} frames {framesAtEnd[b]}->{b.Frames} build={b.LastView?["gameBuild"]} reconnects={b.Reconnects}")),
                TimeSpan.FromSeconds(30));
            Assert.All(bots, b => Assert.Null(b.Lost));
            foreach (var bot in bots)
            {
                var me = Me(bot)!;
                Assert.Equal(bot.PlayerId, me["id"]!.GetValue<string>());
                // Scores only grow: the game kept its state (a restarted game would have reset them).
                Assert.True(me["kills"]!.GetValue<int>() >= before[bot].Item1 && me["deaths"]!.GetValue<int>() >= before[bot].Item2, $"{bot.Name}'s score went back");
                Assert.Equal(BotsPerGame, bot.LastView!["players"]!.AsArray().Count);
            }
            var stats = (await fixture.Cluster.StatsAsync(fixture.Cluster.Slots[0], ct))!;
            Assert.All(ids, id => Assert.Contains(stats.GameList, g => g.Id == id && g.Players == BotsPerGame));
            Assert.All(fixture.Cluster.Nodes, n => Assert.NotEqual(oldBuild, n.Build));
            Assert.True(bots.Sum(b => b.Reconnects) > 0, "no bot was ever disconnected: the rolling update did not reach them");
        }
        catch
        {
            Console.WriteLine($"Node output: {fixture.SaveNodeOutput(nameof(RollingUpdateBotsTests))}");
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }
    }

    private static JsonNode? Me(TanxBot bot) => bot.LastView?["me"];
}
