namespace Tanx.Launcher;

/// <summary>The interactive demo: a 3-node cluster behind the load balancer, rolling updates on request.</summary>
public static class Demo
{
    public static async Task<int> RunAsync(int port)
    {
        var generation = 1;
        Console.WriteLine("Starting three Tanx nodes…");
        await using var cluster = await TanxCluster.StartAsync(3, Build(generation), onLine: (node, line) =>
        {
            if (line.Contains("handed off", StringComparison.OrdinalIgnoreCase) || line.Contains("drain", StringComparison.OrdinalIgnoreCase))
                Console.WriteLine($"  [{node.Slot.HordeName}] {line}");
        });
        Task? update = null;
        var gate = new object();
        Task StartUpdate()
        {
            lock (gate)
            {
                if (update is { IsCompleted: false })
                    return update;
                var build = Build(++generation);
                Console.WriteLine($"Rolling update to {build}:");
                return update = cluster.RollingUpdateAsync(build, step => Console.WriteLine($"  {step}"))
                    .ContinueWith(t => Console.WriteLine(t.IsFaulted ? $"Rolling update failed: {t.Exception!.GetBaseException().Message}" : $"Rolling update to {build} done."), TaskScheduler.Default);
            }
        }

        var balancer = LoadBalancer.Build(port, cluster.Slots,
            async context =>
            {
                _ = StartUpdate();
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                await context.Response.WriteAsync("rolling update started\n");
            },
            async context =>
            {
                var stats = await Task.WhenAll(cluster.Slots.Select(s => cluster.StatsAsync(s).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default)));
                await context.Response.WriteAsJsonAsync(stats);
            });
        await balancer.StartAsync();
        Console.WriteLine();
        Console.WriteLine($"Tanx is at http://localhost:{port}/   (nodes: {string.Join(", ", cluster.Slots.Select(s => $"{s.HordeName} on {s.HttpUrl}"))})");
        Console.WriteLine($"Press r for a rolling update (or: curl -X POST http://localhost:{port}/admin/rolling-update), q to quit.");

        using var quit = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; quit.Cancel(); };
        var keys = Task.Run(() =>
        {
            while (!quit.IsCancellationRequested)
            {
                if (Console.IsInputRedirected)
                {
                    var line = Console.ReadLine();
                    if (line is null || line.Trim() == "q")
                        break;
                    if (line.Trim() == "r")
                        _ = StartUpdate();
                    continue;
                }
                var key = Console.ReadKey(intercept: true).KeyChar;
                if (key == 'q')
                    break;
                if (key == 'r')
                    _ = StartUpdate();
            }
            quit.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, quit.Token);
        }
        catch (OperationCanceledException)
        {
        }
        Console.WriteLine("Stopping…");
        await balancer.StopAsync();
        return 0;
    }

    private static string Build(int generation) => $"build-{generation}-{DateTime.UtcNow:HHmmss}";
}
