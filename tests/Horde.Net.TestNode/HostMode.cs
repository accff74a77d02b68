using Horde.Net.Cluster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Horde.Net.TestNode;

/// <summary>
/// A node run by the Generic Host from configuration alone (Horde__Name, Horde__Cookie, Horde__Membership__...), for
/// tests that stop it with SIGTERM. It prints READY once the node runs and CONNECTED &lt;node&gt; for each peer; its drain hook casts "drained by &lt;node&gt;"
/// to the process registered as "drain-probe" on every connected peer, then prints DRAIN HOOK RAN. With
/// TestNode__DrainCallsFor (a TimeSpan) the hook first keeps calling the process registered as "drain-echo" on every
/// connected peer for that long, and prints DRAIN CALLS &lt;count&gt; OK, or DRAIN CALL FAILED &lt;why&gt; at the first failure.
/// </summary>
internal static class HostMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var drainCallsFor = builder.Configuration.GetValue<TimeSpan?>("TestNode:DrainCallsFor");
        builder.AddHorde(horde => horde.OnNodeStarted(async (_, node, cancellationToken) =>
        {
            await node.StartAsync(() => new Echo(), new StartOptions { Name = "echo" }, cancellationToken);
            // Membership may have connected a peer before this subscription: print those too.
            node.NodeConnected += (_, up) => Console.WriteLine($"CONNECTED {up.Node}");
            foreach (var peer in node.ConnectedNodes)
                Console.WriteLine($"CONNECTED {peer}");
            node.OnDrain(async drain =>
            {
                if (drainCallsFor is { } callFor)
                    await CallDuringDrainAsync(node, callFor);
                foreach (var peer in node.ConnectedNodes)
                {
                    if (await node.WhereIsAsync(peer, "drain-probe") is { } probe)
                        probe.Cast($"drained by {node.Name}");
                }
                Console.WriteLine("DRAIN HOOK RAN");
            });
            Console.WriteLine("READY");
        }));
        await builder.Build().RunAsync();
        return 0;
    }

    /// <summary>What a handoff does: keeps calling peers while the node drains, which needs every connection kept.</summary>
    private static async Task CallDuringDrainAsync(Node node, TimeSpan callFor)
    {
        var calls = 0;
        var until = Environment.TickCount64 + (long)callFor.TotalMilliseconds;
        try
        {
            var echoes = new List<Pid>();
            foreach (var peer in node.ConnectedNodes)
                echoes.Add(await node.WhereIsAsync(peer, "drain-echo") ?? throw new InvalidOperationException($"no drain-echo on {peer}"));
            while (Environment.TickCount64 < until)
            {
                foreach (var echo in echoes)
                    await echo.CallAsync<string>($"call {calls}", TimeSpan.FromSeconds(5));
                calls++;
            }
            Console.WriteLine($"DRAIN CALLS {calls} OK");
        }
        catch (Exception e)
        {
            Console.WriteLine($"DRAIN CALL FAILED after {calls} calls: {e.GetType().Name}: {e.Message}".ReplaceLineEndings(" "));
        }
    }
}
