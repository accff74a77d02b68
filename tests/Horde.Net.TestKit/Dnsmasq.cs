using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using DnsClient;

namespace Horde.Net.TestKit;

/// <summary>
/// A real DNS server for the DNS strategies' tests: dnsmasq on 127.0.0.1 and a free high port, answering
/// from a hosts file (A/AAAA) and <c>--srv-host</c> records, authoritative for <c>cluster.local</c> so unknown
/// names get NXDOMAIN. <see cref="SetHostsAsync"/> rewrites the hosts file and sends SIGHUP, which makes
/// dnsmasq re-read it; SRV records live on the command line, so <see cref="SetServicesAsync"/> restarts it.
/// </summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    private const string ReadyName = "ready.horde-test.cluster.local";
    private readonly string _executable;
    private readonly string _hostsFile;
    private readonly StringBuilder _output = new();
    private string[] _services;
    private Process? _process;

    private Dnsmasq(string executable, int port, string[] services)
    {
        _executable = executable;
        Port = port;
        _services = services;
        // Directly in /tmp, not in a private temp folder: as root dnsmasq drops to its own user before reading it.
        _hostsFile = Path.Combine(Path.GetTempPath(), $"horde-dnsmasq-{Guid.NewGuid():N}.hosts");
    }

    public int Port { get; }

    public string NameServer => $"127.0.0.1:{Port}";

    public static async Task<Dnsmasq> StartAsync(string[] hosts, string[]? services = null)
    {
        var executable = Find() ?? throw new InvalidOperationException(
            "dnsmasq is not installed, and the DNS strategies are tested against it. Install it with " +
            "`apt-get install -y dnsmasq` (./build.sh test installs it, from the test_debs list).");
        for (var attempt = 0; ; attempt++)
        {
            var server = new Dnsmasq(executable, FreePort(), services ?? []);
            try
            {
                await File.WriteAllLinesAsync(server._hostsFile, hosts);
                await server.LaunchAsync();
                return server;
            }
            catch (IOException) when (attempt < 5)
            {
                await server.DisposeAsync(); // the port was taken between the probe and the bind: try another
            }
        }
    }

    /// <summary>Replaces the A/AAAA records (lines of a hosts file) and tells dnsmasq to re-read them.</summary>
    public async Task SetHostsAsync(params string[] lines)
    {
        await File.WriteAllLinesAsync(_hostsFile, lines);
        if (_process is null || Kill(_process.Id, SigHup) != 0)
            throw new InvalidOperationException($"Could not send SIGHUP to dnsmasq: errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>Replaces the SRV records (<c>--srv-host</c> values) by restarting dnsmasq on the same port.</summary>
    public async Task SetServicesAsync(params string[] services)
    {
        _services = services;
        await StopAsync();
        await LaunchAsync();
    }

    public async Task StopAsync()
    {
        if (_process is null)
            return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        File.Delete(_hostsFile);
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--pid-file=",
            "--log-facility=-", $"--port={Port}", "--listen-address=127.0.0.1", "--bind-interfaces",
            $"--addn-hosts={_hostsFile}", "--local=/cluster.local/", $"--host-record={ReadyName},127.0.0.1",
        }.Concat(_services.Select(s => $"--srv-host={s}")))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dnsmasq did not start.");
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        await WaitUntilAnsweringAsync(process);
    }

    private async Task WaitUntilAnsweringAsync(Process process)
    {
        var client = new LookupClient(new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, Port))
        {
            UseCache = false,
            Timeout = TimeSpan.FromMilliseconds(200),
            Retries = 0,
            ThrowDnsErrors = false,
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                var output = Output;
                if (output.Contains("in use", StringComparison.OrdinalIgnoreCase))
                    throw new IOException($"dnsmasq could not bind port {Port}: {output}");
                throw new InvalidOperationException($"dnsmasq exited with code {process.ExitCode}: {output}");
            }
            try
            {
                var answer = await client.QueryAsync(ReadyName, QueryType.A);
                if (answer.Answers.ARecords().Any())
                    return;
            }
            catch (DnsResponseException)
            {
                // Not listening yet.
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"dnsmasq did not answer on {NameServer} within 10 s: {Output}");
    }

    private string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':').Append("/usr/sbin").Append("/sbin").Append("/usr/local/sbin")
            .Select(folder => Path.Combine(folder, "dnsmasq"))
            .FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        while (true)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Free for UDP but not TCP; dnsmasq needs both.
            }
        }
    }

    private const int SigHup = 1;

    // DllImport rather than LibraryImport: the test project does not allow unsafe code.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
#pragma warning disable SYSLIB1054
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
