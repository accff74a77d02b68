using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Horde.Net.Dashboard.Tests;

/// <summary>
/// The dashboard page in Chromium (/usr/bin/chromium, headless) served by one of two nodes that run as OS processes:
/// it shows both nodes, then, after SIGTERM to the other, that node gone and its children on the one left.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private const int Children = 20;
    private static readonly LocatorAssertionsToHaveTextOptions Within = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_page_shows_both_nodes_then_the_stopped_one_gone_and_its_children_on_the_other()
    {
        await using var leaving = await NodeProcess.StartHostAsync("leaving", new Dictionary<string, string>
        {
            ["TestNode__Children"] = Children.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var http = TestCluster.FreePort();
        await using var staying = await NodeProcess.StartHostAsync("staying", new Dictionary<string, string>
        {
            ["TestNode__Children"] = "0",
            ["TestNode__HttpPort"] = http.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Horde__Membership__Topologies__seeds__Strategy"] = "Static",
            ["Horde__Membership__Topologies__seeds__Config__Nodes__0"] = leaving.Name.ToString(),
        });
        await staying.WaitForLineAsync($"CONNECTED {leaving.Name}");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 1000 } });
        await page.GotoAsync($"http://127.0.0.1:{http}/horde");
        await Expect(page.Locator("#connection")).ToHaveTextAsync("live", Within);

        var leavingRow = page.Locator($"#nodes tr[data-node='{leaving.Name}'] td");
        var stayingRow = page.Locator($"#nodes tr[data-node='{staying.Name}'] td");
        await Expect(leavingRow.Nth(1)).ToHaveTextAsync("Running", Within);
        await Expect(stayingRow.Nth(1)).ToHaveTextAsync("Running", Within);
        await Expect(leavingRow.Nth(2)).ToHaveTextAsync($"{Children}", Within);
        await Expect(stayingRow.Nth(2)).ToHaveTextAsync("0", Within);
        await SaveScreenshotAsync(page, "dashboard-two-nodes.png");

        leaving.Terminate();
        await Expect(leavingRow.Nth(1)).ToHaveTextAsync(GoneState(), Within);
        await Expect(stayingRow.Nth(2)).ToHaveTextAsync($"{Children}", Within);
        await Expect(page.Locator("#events li[data-kind='handoff']").First).ToContainTextAsync($"moved from {leaving.Name} to {staying.Name}", new() { Timeout = 20_000 });
        await SaveScreenshotAsync(page, "dashboard-after-sigterm.png");
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the stopped node exits");
        Assert.Equal(0, leaving.ExitCode);
    }

    /// <summary>Saves a screenshot under the test's bin/artifacts folder and prints where.</summary>
    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "artifacts", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.SendDiagnosticMessage($"Screenshot: {path}");
        Console.WriteLine($"Screenshot: {path}");
    }

    [GeneratedRegex("^(Down|Unreachable)$")]
    private static partial Regex GoneState();
}
