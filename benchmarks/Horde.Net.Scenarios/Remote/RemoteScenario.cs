using System.Diagnostics;
using System.Globalization;
using Horde.Net.Scenarios.Net;

namespace Horde.Net.Scenarios.Remote;

/// <summary>What one library achieved in the remote scenarios.</summary>
public sealed record RemoteResult(
    string Library, double MessagesPerSecond, double CallMedianMicros, double CallP99Micros, double BytesPerMessage, double BytesPerCall);

/// <summary>
/// Runs the remote scenarios for one library against a serving node in a second OS process on loopback.
/// Throughput and latency are measured on a direct connection; bytes on the wire in a separate pass
/// through counting proxies (one per direction of dialing), because a relay adds a hop that would
/// distort the timings.
/// </summary>
public sealed class RemoteScenario(IRemoteLibrary library, int messages, int calls)
{
    /// <summary>Runs every measurement and returns the row.</summary>
    public async Task<RemoteResult> RunAsync()
    {
        var (rate, median, p99) = await MeasureTimingsAsync();
        var (perMessage, perCall) = await MeasureBytesAsync();
        return new RemoteResult(library.DisplayName, rate, median, p99, perMessage, perCall);
    }

    private async Task<(double Rate, double Median, double P99)> MeasureTimingsAsync()
    {
        var ports = FreePorts.Take(2);
        await using var server = await StartServerAsync(new NodeEndpoint(ports[0], ports[0]));
        await using var client = await library.ConnectAsync(new NodeEndpoint(ports[1], ports[1]), new NodeEndpoint(ports[0], ports[0]));

        Log($"one-way warm-up ({messages / 5:N0} messages)");
        await client.SendOneWayAsync(messages / 5);
        var sw = Stopwatch.StartNew();
        await client.SendOneWayAsync(messages);
        var rate = messages / sw.Elapsed.TotalSeconds;
        Log($"one-way: {messages:N0} messages in {sw.Elapsed.TotalSeconds:F2} s = {rate:N0}/s");

        var warmUp = Math.Max(1, calls / 10);
        Log($"call warm-up ({warmUp:N0} calls)");
        for (var i = 0; i < warmUp; i++)
            await client.CallAsync(i);
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.CallAsync(i);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        var median = Stats.Quantile(samples, 0.5);
        var p99 = Stats.Quantile(samples, 0.99);
        Log($"call: {calls:N0} calls, median {median:F0} µs, p99 {p99:F0} µs");
        server.Quiet();
        return (rate, median, p99);
    }

    private async Task<(double PerMessage, double PerCall)> MeasureBytesAsync()
    {
        // Each node binds one port and advertises its proxy's, so every connection either node
        // dials (one shared, or one per direction, depending on the library) passes a counter.
        var ports = FreePorts.Take(4);
        NodeEndpoint serverNode = new(ports[0], ports[1]), clientNode = new(ports[2], ports[3]);
        await using var toServer = new CountingTcpProxy(serverNode.AdvertisedPort, serverNode.BindPort);
        await using var toClient = new CountingTcpProxy(clientNode.AdvertisedPort, clientNode.BindPort);
        await using var server = await StartServerAsync(serverNode);
        await using var client = await library.ConnectAsync(clientNode, serverNode);

        var bytesMessages = Math.Min(messages, 100_000);
        var bytesCalls = Math.Min(calls, 5_000);
        await client.SendOneWayAsync(bytesMessages / 10);
        for (var i = 0; i < 100; i++)
            await client.CallAsync(i);

        toServer.Reset();
        toClient.Reset();
        await client.SendOneWayAsync(bytesMessages);
        var perMessage = (double)(toServer.Bytes + toClient.Bytes) / bytesMessages;
        Log($"bytes: {toServer.Bytes + toClient.Bytes:N0} for {bytesMessages:N0} one-way messages and their acks = {perMessage:F1}/message");

        toServer.Reset();
        toClient.Reset();
        for (var i = 0; i < bytesCalls; i++)
            await client.CallAsync(i);
        var perCall = (double)(toServer.Bytes + toClient.Bytes) / bytesCalls;
        Log($"bytes: {toServer.Bytes + toClient.Bytes:N0} for {bytesCalls:N0} calls = {perCall:F1}/call");
        server.Quiet();
        return (perMessage, perCall);
    }

    private Task<ServerProcess> StartServerAsync(NodeEndpoint node) =>
        ServerProcess.StartAsync(
            "serve", "--lib", library.Name,
            "--port", node.BindPort.ToString(CultureInfo.InvariantCulture),
            "--advertise", node.AdvertisedPort.ToString(CultureInfo.InvariantCulture));

    private void Log(string text) => Console.Error.WriteLine($"[{library.Name}] {text}");

    /// <summary>The results as a markdown table.</summary>
    public static string ToMarkdown(IEnumerable<RemoteResult> results)
    {
        var lines = new List<string>
        {
            "| library | remote one-way msg/s | call median µs | call p99 µs | bytes/message (one-way, acks included) | bytes/call (request + reply) |",
            "|---|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {r.Library} | {r.MessagesPerSecond:N0} | {r.CallMedianMicros:F0} | {r.CallP99Micros:F0} | {r.BytesPerMessage:F1} | {r.BytesPerCall:F1} |")));
        return string.Join(Environment.NewLine, lines);
    }
}
