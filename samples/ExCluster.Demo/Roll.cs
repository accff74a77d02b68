using System.Diagnostics;

namespace ExCluster.Demo;

/// <summary>What one rolling update came to.</summary>
public sealed record RollResult(string Title, StopSignal Signal, TimeSpan? CheckpointInterval, TimeSpan LossWindow, IReadOnlyList<Replacement> Steps, Check Check);

/// <summary>
/// One rolling update: start the nodes, create the orders, keep appending, replace every node in turn (the same name,
/// then a new one, alternately), stop the client and check every order.
/// </summary>
public static class Roll
{
    /// <summary>Node settings that make a loopback cluster notice a killed node within 3 s (the library's defaults suit a real network) and wait longer on a loaded machine.</summary>
    public static Dictionary<string, string> NodeSettings(TimeSpan? checkpointInterval)
    {
        var settings = new Dictionary<string, string>
        {
            ["Horde__HeartbeatInterval"] = "00:00:00.200",
            ["Horde__FailureThreshold"] = "00:00:03",
            ["Horde__DrainTimeout"] = "00:00:20",
            ["Horde__Membership__ReconnectInterval"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Orders__CallTimeout"] = "00:00:15", // a 2-core machine shared with builds can stall a process for seconds
        };
        if (checkpointInterval is { } interval)
            settings["Orders__CheckpointInterval"] = interval.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>How far before a kill an acknowledged append may be lost: one checkpoint interval, one supervisor tick and one replica sync.</summary>
    public static TimeSpan LossWindow(TimeSpan? checkpointInterval) =>
        checkpointInterval is { } interval ? interval + TimeSpan.FromMilliseconds(400) : TimeSpan.MaxValue / 2;

    public static async Task<RollResult> RunAsync(string title, StopSignal signal, TimeSpan? checkpointInterval, int nodes, int orders, int workers, TimeSpan between, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        void Say(string line) => log.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0} s] {line}");
        log.WriteLine($"== {title} ==");
        Say($"starting {nodes} nodes (separate OS processes on loopback)");
        await using var cluster = await LocalCluster.StartAsync(nodes, NodeSettings(checkpointInterval), TimeSpan.FromSeconds(120));
        Say($"ready: {string.Join(", ", cluster.Nodes.Select(n => n.Name))}");
        using var client = new OrderClient(cluster, orders, workers);
        await client.CreateOrdersAsync();
        Say($"created {orders} orders; {workers} client workers append to random orders from now on");
        client.Start();
        await Task.Delay(between);
        var steps = new List<Replacement>();
        for (var slot = 0; slot < nodes; slot++)
        {
            var sameName = slot % 2 == 0;
            var name = cluster.Nodes[slot].Name;
            Say($"{(signal == StopSignal.Term ? "SIGTERM" : "SIGKILL")} {name}");
            var step = await cluster.ReplaceAsync(slot, signal, sameName, TimeSpan.FromSeconds(120));
            steps.Add(step);
            Say($"  exited with code {step.ExitCode} after {step.Stopped.TotalSeconds:0.0} s; {step.New} ({(sameName ? "same name" : "new name")}, new process) ready after {step.Ready.TotalSeconds:0.0} s"
                + $" | acknowledged {client.Acknowledged}, failed {client.Failed}, refused connections retried {client.Refused}");
            await Task.Delay(between);
        }
        await client.StopAsync();
        foreach (var crash in cluster.StartCrashes)
            Say($"  a node process exited before it was ready and was started again: {crash}");
        if (client.CreateRetries > 0)
            Say($"  {client.CreateRetries} order creations (PUT, idempotent) were sent again after a failure");
        Say($"client stopped; checking every order against {client.Acknowledged} acknowledged appends");
        var check = await client.CheckAsync(signal == StopSignal.Kill ? steps : [], LossWindow(checkpointInterval));
        foreach (var problem in check.Problems.Concat(check.Failures).Take(10))
            Say($"  {problem}");
        return new RollResult(title, signal, checkpointInterval, LossWindow(checkpointInterval), steps, check);
    }
}
