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

    /// <summary>Starts the node; <paramref name="arguments"/> pick extra modes of Horde.Net.TestNode (see its Program.cs).</summary>
    public static async Task<NodeProcess> StartAsync(string name, string cookie = TestCluster.Cookie, IEnumerable<string>? arguments = null)
    {
        var node = NodeName.Create(name, "127.0.0.1", TestCluster.FreePort());
        var dll = Path.Combine(AppContext.BaseDirectory, "Horde.Net.TestNode.dll");
        var start = new ProcessStartInfo("dotnet", [dll, node.ToString(), cookie, .. arguments ?? []])
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
