using System.Diagnostics;

namespace Horde.Net.Scenarios;

/// <summary>
/// A second OS process of this program (the serving node of a scenario). It prints READY once
/// serving and exits when its standard input closes, so it never outlives the runner.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The line a serving process prints once it accepts connections.</summary>
    public const string ReadyLine = "READY";

    private readonly Process _process;
    private volatile bool _stopping;

    private ServerProcess(Process process) => _process = process;

    /// <summary>Starts <c>Horde.Net.Scenarios serve ...args</c> and waits for its READY line.</summary>
    public static async Task<ServerProcess> StartAsync(params string[] args)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under `dotnet run` this program is its apphost; under `dotnet X.dll` it is the dotnet host.
        var self = Environment.ProcessPath!;
        info.FileName = self;
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        foreach (var a in args)
            info.ArgumentList.Add(a);

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the serving process");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"serving process exited before {ReadyLine}");
            if (line == ReadyLine)
                break;
            Console.Error.WriteLine($"[server] {line}");
        }
        var server = new ServerProcess(process);
        // Keep draining its output so a chatty library can never block on a full pipe.
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                // Libraries log the runner's departure as an error while stopping; that is not news.
                if (!server._stopping)
                    Console.Error.WriteLine($"[server] {line}");
            }
        });
        return server;
    }

    /// <summary>Stops echoing the server's output: call before the runner disconnects.</summary>
    public void Quiet() => _stopping = true;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
