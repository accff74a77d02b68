using Horde.Net.Cluster;
using Microsoft.Extensions.Hosting;

namespace Horde.Net.TestNode;

/// <summary>
/// A node run by the Generic Host from configuration alone (Horde__Name, Horde__Cookie, Horde__Membership__...), for
/// tests that stop it with SIGTERM. It prints READY once the node runs and CONNECTED &lt;node&gt; for each peer; its drain hook casts "drained by &lt;node&gt;"
/// to the process registered as "drain-probe" on every connected peer, then prints DRAIN HOOK RAN.
/// </summary>
internal static class HostMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddHorde(horde => horde.OnNodeStarted(async (_, node, cancellationToken) =>
        {
            await node.StartAsync(() => new Echo(), new StartOptions { Name = "echo" }, cancellationToken);
            // Membership may have connected a peer before this subscription: print those too.
            node.NodeConnected += (_, up) => Console.WriteLine($"CONNECTED {up.Node}");
            foreach (var peer in node.ConnectedNodes)
                Console.WriteLine($"CONNECTED {peer}");
            node.OnDrain(async drain =>
            {
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
}
