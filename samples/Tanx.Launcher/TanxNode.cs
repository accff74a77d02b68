using System.Diagnostics;
using System.Globalization;

namespace Tanx.Launcher;

/// <summary>One Tanx node: the Tanx web app in its own OS process, on its own HTTP port and Horde port.</summary>
public sealed class TanxNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private TanxNode(Process process, NodeSlot slot, string build)
    {
        _process = process;
        Pid = process.Id;
        Slot = slot;
        Build = build;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public NodeSlot Slot { get; }

    public string Build { get; }

    public int Pid { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
                return string.Join(Environment.NewLine, _output);
        }
    }

    /// <summary>Lines the node prints, as they come (the demo shows them).</summary>
    public event Action<TanxNode, string>? Line;

    /// <summary>Starts the node of <paramref name="slot"/> running <paramref name="build"/>, and waits until it serves HTTP.</summary>
    public static async Task<TanxNode> StartAsync(TanxApp app, NodeSlot slot, IReadOnlyList<NodeSlot> seeds, string cookie, string build, Action<TanxNode, string>? onLine = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet", [app.Dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(app.Dll)!,
        };
        var env = start.Environment;
        env["ASPNETCORE_URLS"] = slot.HttpUrl;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["TANX_BUILD"] = build;
        env["Horde__Name"] = slot.HordeName;
        env["Horde__Cookie"] = cookie;
        env["Horde__HeartbeatInterval"] = "00:00:00.200";
        env["Horde__FailureThreshold"] = "00:00:03";
        env["Horde__Membership__ReconnectInterval"] = "00:00:00.500";
        env["Horde__Membership__Topologies__tanx__Strategy"] = "Static";
        for (var i = 0; i < seeds.Count; i++)
            env[$"Horde__Membership__Topologies__tanx__Config__Nodes__{i}"] = seeds[i].HordeName;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a Tanx node");
        var node = new TanxNode(process, slot, build);
        if (onLine is not null)
            node.Line += onLine;
        var bound = timeout ?? TimeSpan.FromSeconds(60);
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(node._ready.Task, exited, Task.Delay(bound)) != node._ready.Task)
        {
            var output = node.Output;
            await node.DisposeAsync();
            throw new InvalidOperationException($"Tanx node {slot.HordeName} did not start within {bound.TotalSeconds:0} s:{Environment.NewLine}{output}");
        }
        return node;
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod: the node drains (its games move) and exits.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
        if (line.StartsWith("TANX READY", StringComparison.Ordinal))
            _ready.TrySetResult();
        Line?.Invoke(this, line);
    }
}

/// <summary>A place in the cluster: the same names and ports for each process that fills it, old build or new.</summary>
public sealed record NodeSlot(int Index, int HttpPort, int HordePort)
{
    public string HordeName => $"tanx{Index}@127.0.0.1:{HordePort}";

    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";
}

/// <summary>Where the built Tanx app is (its build output holds the web root too).</summary>
public sealed record TanxApp(string Dll)
{
    /// <summary>The Release (or Debug) build of samples/Tanx in the repository this runs from.</summary>
    public static TanxApp FromRepository()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Horde.Net.sln")))
            dir = dir.Parent;
        if (dir is null)
            throw new InvalidOperationException("Cannot find the repository (Horde.Net.sln) above " + AppContext.BaseDirectory);
        var project = Path.Combine(dir.FullName, "samples", "Tanx");
        var dll = new[] { "Release", "Debug" }.Select(c => Path.Combine(project, "bin", c, "net10.0", "Tanx.dll")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"Tanx is not built: run dotnet build {project} -c Release");
        return new TanxApp(dll);
    }
}
