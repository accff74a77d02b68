using ExCluster.Demo;

namespace ExCluster.Tests;

/// <summary>The rolling-update proof, smaller: 50 orders, one node replaced by SIGTERM, then one by SIGKILL (checkpoints on).</summary>
public sealed class RollingUpdateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_node_replaced_by_SIGTERM_loses_no_acknowledged_append_and_fails_no_request_then_SIGKILL_recovers_from_checkpoints()
    {
        var checkpoint = TimeSpan.FromMilliseconds(500);
        await using var cluster = await LocalCluster.StartAsync(3, Roll.NodeSettings(checkpoint), Bound);
        using var client = new OrderClient(cluster, orders: 50, workers: 6);
        await client.CreateOrdersAsync();
        Assert.True(client.Failed == 0, $"creating the orders failed: {string.Join("; ", client.Failures)}");

        client.Start();
        await WaitForAppendsAsync(client, 100);
        var term = await cluster.ReplaceAsync(0, StopSignal.Term, sameName: true, Bound);
        await WaitForAppendsAsync(client, client.Acknowledged + 100); // the new process serves and the moved orders take appends
        await client.StopAsync();
        var afterTerm = await client.CheckAsync([], TimeSpan.Zero);
        TestContext.Current.SendDiagnosticMessage($"SIGTERM: {afterTerm with { Problems = [], Failures = [] }}; start crashes: {string.Join("; ", cluster.StartCrashes)}");

        Assert.Equal(0, term.ExitCode);
        Assert.True(afterTerm.Moved > 0, "no order moved: the replaced node ran none");
        Assert.True(afterTerm.Exact, $"SIGTERM roll was not exact: {afterTerm with { Problems = [], Failures = [] }}{Environment.NewLine}{string.Join(Environment.NewLine, afterTerm.Problems.Concat(afterTerm.Failures))}{Environment.NewLine}The replaced node logged:{Environment.NewLine}{string.Join(Environment.NewLine, term.OldWarnings.TakeLast(40))}{Environment.NewLine}The other nodes logged:{Environment.NewLine}{string.Join(Environment.NewLine, cluster.Nodes.SelectMany(n => n.Warnings.TakeLast(20).Select(w => $"{n.Name}: {w}")))}");

        // The guarantee under test: an append acknowledged longer than the loss window before a kill survives it.
        var settled = DateTime.UtcNow;
        client.Start();
        await WaitForAppendsAsync(client, client.Acknowledged + 100);
        var untilOutsideWindow = settled + Roll.LossWindow(checkpoint) - DateTime.UtcNow;
        if (untilOutsideWindow > TimeSpan.Zero)
            await Task.Delay(untilOutsideWindow, TestContext.Current.CancellationToken);
        var kill = await cluster.ReplaceAsync(1, StopSignal.Kill, sameName: false, Bound);
        await WaitForAppendsAsync(client, client.Acknowledged + 100);
        await client.StopAsync();
        var afterKill = await client.CheckAsync([kill], Roll.LossWindow(checkpoint), settled);
        TestContext.Current.SendDiagnosticMessage($"SIGKILL: {afterKill with { Problems = [], Failures = [] }}");

        // A kill may lose what came after the last checkpoint; what was checkpointed long before survives, and nothing is invented.
        Assert.Equal(0, afterKill.LostSettled);
        Assert.Equal(0, afterKill.Unexpected);
    }

    private static async Task WaitForAppendsAsync(OrderClient client, long count)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (client.Acknowledged < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the client acknowledged {client.Acknowledged} appends, not {count}, within {Bound.TotalSeconds:0} s; failures: {string.Join("; ", client.Failures)}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
