using System.Diagnostics;

namespace Horde.Net.TestKit;

/// <summary>A node running in its own OS process (Horde.Net.TestNode), so that a test can kill it for real.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, NodeName name)
    {
        _process = process;
        Name = name;
    }

    public NodeName Name { get; }

    public static Task<NodeProcess> StartAsync(string name, string cookie = TestCluster.Cookie) =>
        StartAsync(NodeName.Create(name, "127.0.0.1", TestCluster.FreePort()), cookie);

    /// <summary>Starts a test node named <paramref name="node"/> (again, after a kill); <paramref name="mode"/> adds its arguments, e.g. <c>replica map</c>.</summary>
    public static async Task<NodeProcess> StartAsync(NodeName node, string cookie = TestCluster.Cookie, params string[] mode)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Horde.Net.TestNode.dll");
        var start = new ProcessStartInfo("dotnet", [dll, node.ToString(), cookie, .. mode])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the test node");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "READY")
                return new NodeProcess(process, node);
        }
        throw new InvalidOperationException($"Test node {node} exited before it was ready (exit code {process.ExitCode}).");
    }

    /// <summary>Sends one command line to the node (in a mode that reads commands) and returns its one-line answer.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"Test node {Name} exited while answering '{line}'.");
    }

    /// <summary>SIGKILL: no goodbye, no cleanup.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
