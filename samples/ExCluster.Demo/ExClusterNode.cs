using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace ExCluster.Demo;

/// <summary>How a node is stopped.</summary>
public enum StopSignal
{
    /// <summary>As Kubernetes stops a pod: the node drains, then exits.</summary>
    Term,

    /// <summary>kill -9: no drain, no goodbye.</summary>
    Kill,
}

/// <summary>One ExCluster node: <c>dotnet ExCluster.dll</c> in its own OS process, configured by NODE, COOKIE, NODES and HTTP_PORT.</summary>
public sealed class ExClusterNode : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Task _reading;

    private ExClusterNode(Process process, string name, Uri http)
    {
        _process = process;
        Name = name;
        Http = http;
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput), ReadAsync(process.StandardError));
    }

    /// <summary>Its node name, <c>name@127.0.0.1:port</c>.</summary>
    public string Name { get; }

    /// <summary>Where its HTTP API listens.</summary>
    public Uri Http { get; }

    /// <summary>Everything it printed so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Its warning and error log entries (the console logger's level line and the message under it), to explain a failed check.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var lines = _output.ToArray();
            return [.. lines.Select((line, i) => (line, i))
                .Where(l => l.line.StartsWith("warn:", StringComparison.Ordinal) || l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
                .Select(l => l.i + 1 < lines.Length ? $"{l.line} {lines[l.i + 1].Trim()}" : l.line)];
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts a node named <paramref name="name"/> that knows <paramref name="peers"/>; <paramref name="settings"/> become environment variables.</summary>
    public static ExClusterNode Start(string name, IEnumerable<string> peers, string cookie, IReadOnlyDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ExCluster.dll");
        var http = Ports.Free();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NODE"] = name;
        start.Environment["COOKIE"] = cookie;
        start.Environment["NODES"] = string.Join(',', peers);
        start.Environment["HTTP_PORT"] = http.ToString(CultureInfo.InvariantCulture);
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in settings)
            start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start node {name}");
        return new ExClusterNode(process, name, new Uri($"http://127.0.0.1:{http}/"));
    }

    /// <summary>Waits until it answers ready and sees every node of <paramref name="members"/>.</summary>
    public async Task WaitReadyAsync(IReadOnlyCollection<string> members, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Node {Name} exited (code {_process.ExitCode}) before it was ready. Its output:{Environment.NewLine}{Output}");
            if (await IsReadyAsync() && await SeesAsync(members))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Node {Name} was not ready with members [{string.Join(", ", members)}] within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Whether it sees every node of <paramref name="members"/> as a member (GET /cluster).</summary>
    public async Task<bool> SeesAsync(IReadOnlyCollection<string> members)
    {
        try
        {
            var cluster = await Probe.GetFromJsonAsync<ClusterView>(new Uri(Http, "cluster"));
            return cluster is not null && members.All(cluster.Members.Contains);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Probe.GetAsync(new Uri(Http, "health/ready"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the process.</summary>
    public void Stop(StopSignal signal)
    {
        if (signal == StopSignal.Kill)
        {
            _process.Kill(entireProcessTree: true);
            return;
        }
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        kill.WaitForExit();
    }

    /// <summary>Waits (bounded) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Node {Name} did not exit within {timeout.TotalSeconds:0} s. Its output:{Environment.NewLine}{Output}");
        }
        await _reading;
        return _process.ExitCode;
    }

    private async Task ReadAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
            _output.Enqueue(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reading;
        _process.Dispose();
    }
}
