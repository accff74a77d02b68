using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace Horde.Net.TestKit;

/// <summary>A node running in its own OS process (Horde.Net.TestNode), so that a test can kill it for real.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(); // the same lines, for command answers
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _awaited = new();
    private readonly Task _reading;
    private readonly SemaphoreSlim _command = new(1, 1); // one command and its answer at a time

    private NodeProcess(Process process, NodeName name)
    {
        _process = process;
        Name = name;
        // Read everything the node prints, so it never blocks on a full pipe and a test can await any line.
        _reading = Task.Run(ReadOutputAsync);
    }

    public NodeName Name { get; }

    /// <summary>Every line the node printed so far, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a test node on a free port; <paramref name="mode"/> picks extra modes of Horde.Net.TestNode (see its Program.cs).</summary>
    public static Task<NodeProcess> StartAsync(string name, string cookie = TestCluster.Cookie, params string[] mode) =>
        StartAsync(NodeName.Create(name, "127.0.0.1", TestCluster.FreePort()), cookie, mode);

    /// <summary>Starts a test node named <paramref name="node"/> (again, after a kill); <paramref name="mode"/> adds its arguments, e.g. <c>replica map</c>.</summary>
    public static Task<NodeProcess> StartAsync(NodeName node, string cookie = TestCluster.Cookie, params string[] mode) =>
        LaunchAsync(node, [node.ToString(), cookie, .. mode], []);

    /// <summary>
    /// Starts the test node's Generic Host mode: <c>AddHorde</c> and configuration only, here from environment
    /// variables (<c>Horde__Name</c> is set to <paramref name="name"/> on a free port, <c>Horde__Cookie</c> to the test cookie).
    /// </summary>
    public static Task<NodeProcess> StartHostAsync(string name, IReadOnlyDictionary<string, string> environment) =>
        StartHostAsync(NodeName.Create(name, "127.0.0.1", TestCluster.FreePort()), environment);

    /// <summary>
    /// Starts the Generic Host mode as <paramref name="node"/> (again, after a stop); <paramref name="mode"/> is
    /// <c>host</c> or <c>supervisor</c> (see the test node's SupervisorMode).
    /// </summary>
    public static Task<NodeProcess> StartHostAsync(NodeName node, IReadOnlyDictionary<string, string> environment, string mode = "host")
    {
        var variables = new Dictionary<string, string>
        {
            ["Horde__Name"] = node.ToString(),
            ["Horde__Cookie"] = TestCluster.Cookie,
            ["Horde__HeartbeatInterval"] = "00:00:00.200",
            ["Horde__FailureThreshold"] = "00:00:03",
        };
        foreach (var (key, value) in environment)
            variables[key] = value;
        return LaunchAsync(node, [mode], variables);
    }

    private static async Task<NodeProcess> LaunchAsync(NodeName node, string[] args, Dictionary<string, string> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Horde.Net.TestNode.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the test node");
        var started = new NodeProcess(process, node);
        try
        {
            await started.WaitForLineAsync("READY", TimeSpan.FromSeconds(30));
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
        return started;
    }

    /// <summary>Waits until the node prints <paramref name="line"/> (now or earlier).</summary>
    public async Task WaitForLineAsync(string line, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(10);
        var seen = _awaited.GetOrAdd(line, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_output.Contains(line))
            seen.TrySetResult();
        await Task.WhenAny(seen.Task, _reading, Task.Delay(bound, TestContext.Current.CancellationToken));
        if (!seen.Task.IsCompleted)
        {
            var why = _reading.IsCompleted ? $"exited (code {(_process.HasExited ? _process.ExitCode : -1)})" : $"printed no such line within {bound.TotalSeconds:0} s";
            throw new Xunit.Sdk.XunitException($"Test node {Name} {why} before printing '{line}'. Its output:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Sends one command line to the node (in a mode that reads commands) and returns its one-line answer; concurrent callers take turns.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await _command.WaitAsync();
        try
        {
            while (_lines.Reader.TryRead(out _))
            {
                // what the node printed before this command is not its answer
            }
            try
            {
                await _process.StandardInput.WriteLineAsync(line);
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                throw new InvalidOperationException($"Test node {Name} exited before '{line}'.");
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                return await _lines.Reader.ReadAsync(timeout.Token);
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"Test node {Name} exited while answering '{line}'.");
            }
        }
        finally
        {
            _command.Release();
        }
    }

    /// <summary>SIGKILL: no goodbye, no cleanup.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as Kubernetes sends a pod it stops: the host shuts down gracefully.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with exit code {kill.ExitCode}.");
    }

    /// <summary>Waits for the process to exit; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            await _reading;
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task ReadOutputAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            _output.Enqueue(line);
            _lines.Writer.TryWrite(line);
            if (_awaited.TryGetValue(line, out var seen))
                seen.TrySetResult();
        }
        _lines.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reading;
        _process.Dispose();
        _command.Dispose();
    }
}
