using System.Text.Json;
using Microsoft.Playwright;

namespace Tanx.Tests;

/// <summary>
/// The page in Debian's Chromium through the load balancer: lobby, create, spawn, drive and fire by keyboard (the tank's
/// position read from window.tanx), then a rolling update of every node: the same tab is still in the same game, as
/// the same player with the same score, and the game runs on the new build.
/// </summary>
[Collection(TanxClusterCollection.Name)]
public sealed class BrowserTests(TanxClusterFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task A_player_in_a_browser_tab_keeps_playing_through_a_rolling_update_of_every_node()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: bash build.sh test installs the chromium package");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1000, Height = 700 } });
        try
        {
            await page.GotoAsync(fixture.Url.ToString());
            await page.WaitForFunctionAsync("() => window.tanx.connected && window.tanx.servingNode && window.tanx.maze");
            await page.FillAsync("#player-name", "Tester");
            await page.FillAsync("#game-name", "Browser game");
            await page.ClickAsync("#create-game");
            await page.WaitForFunctionAsync("() => window.tanx.view && window.tanx.view.me");

            // Click the south-west entry point on the canvas.
            var box = (await page.Locator("#arena").BoundingBoxAsync())!;
            await page.Mouse.ClickAsync(box.X + (-9.25f + 10) / 20 * box.Width, box.Y + (10 + 9.25f) / 20 * box.Height);
            await page.WaitForFunctionAsync("() => window.tanx.view.me.hasTank");
            var start = await TankX(page);

            // Drive forward (east) with the arrow key until the tank has moved, then fire with space.
            await page.Keyboard.DownAsync("ArrowUp");
            await page.WaitForFunctionAsync($"() => window.tanx.view.tanks.find(t => t.playerId === window.tanx.playerId).x > {Js(start + 0.5)}");
            await page.Keyboard.UpAsync("ArrowUp");
            await page.Keyboard.PressAsync("Space");
            await page.WaitForFunctionAsync("() => window.tanx.view.me.reloadIn > 0 || window.tanx.view.missiles.length > 0");

            var before = await StateAsync(page);
            var beforeShot = await ScreenshotAsync(page, "before-rolling-update");
            Assert.Equal(fixture.CurrentBuild, before.GameBuild);

            var build = await fixture.RollAsync();

            await page.WaitForFunctionAsync($"() => window.tanx.view && window.tanx.view.gameBuild === {Js(build)} && window.tanx.connected", null, new() { Timeout = 30_000 });
            var after = await StateAsync(page);
            var afterShot = await ScreenshotAsync(page, "after-rolling-update");
            Console.WriteLine($"Screenshots: {beforeShot} {afterShot}");
            Assert.Equal(before.GameId, after.GameId);
            Assert.Equal(before.PlayerId, after.PlayerId);
            Assert.Equal((before.Kills, before.Deaths), (after.Kills, after.Deaths));
            Assert.NotEqual(before.GameBuild, after.GameBuild);
            Assert.True(after.Reconnects > 0 && after.Rejoins > 0, $"the tab never reconnected and rejoined ({after.Reconnects} reconnects, {after.Rejoins} rejoins)");
            Assert.Null(after.Lost);
            Assert.Equal(build, await page.TextContentAsync("#game-build"));

            // And it still plays: the tank turns under the keyboard on the new nodes.
            var heading = await page.EvaluateAsync<double>("() => window.tanx.view.tanks.find(t => t.playerId === window.tanx.playerId).heading");
            await page.Keyboard.DownAsync("KeyJ");
            await page.WaitForFunctionAsync($"() => Math.abs(window.tanx.view.tanks.find(t => t.playerId === window.tanx.playerId).heading - {Js(heading)}) > 0.3");
            await page.Keyboard.UpAsync("KeyJ");
        }
        catch
        {
            Console.WriteLine($"Failure screenshot: {await ScreenshotAsync(page, "failure")}; node output: {fixture.SaveNodeOutput(nameof(BrowserTests))}");
            throw;
        }
    }

    private static string Js(object value) => JsonSerializer.Serialize(value);

    private static Task<double> TankX(IPage page) =>
        page.EvaluateAsync<double>("() => window.tanx.view.tanks.find(t => t.playerId === window.tanx.playerId).x");

    private static async Task<TabState> StateAsync(IPage page) => JsonSerializer.Deserialize<TabState>(await page.EvaluateAsync<string>(
        "() => JSON.stringify({ gameId: tanx.gameId, playerId: tanx.view.me.id, kills: tanx.view.me.kills, deaths: tanx.view.me.deaths, gameBuild: tanx.view.gameBuild, gameNode: tanx.view.gameNode, reconnects: tanx.reconnects, rejoins: tanx.rejoins, lost: tanx.lost })"),
        JsonSerializerOptions.Web)!;

    private static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(TanxClusterFixture.ArtifactsDirectory, $"tanx-{name}.png");
        await page.ScreenshotAsync(new() { Path = path });
        return path;
    }

    private sealed record TabState(string GameId, string PlayerId, int Kills, int Deaths, string GameBuild, string GameNode, int Reconnects, int Rejoins, string? Lost);
}
