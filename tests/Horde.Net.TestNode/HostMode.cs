using System.Net;
using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Supervisor;
using Horde.Net.Supervisor.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Horde.Net.TestNode;

/// <summary>
/// A node run by the Generic Host from configuration alone (Horde__Name, Horde__Cookie, Horde__Membership__...), for
/// tests that stop it with SIGTERM. It prints READY once the node runs and CONNECTED &lt;node&gt; for each peer; its drain hook casts "drained by &lt;node&gt;"
/// to the process registered as "drain-probe" on every connected peer, then prints DRAIN HOOK RAN. With
/// TestNode__DrainCallsFor (a TimeSpan) the hook first keeps calling the process registered as "drain-echo" on every
/// connected peer for that long, and prints DRAIN CALLS &lt;count&gt; OK, or DRAIN CALL FAILED &lt;why&gt; at the first failure.
/// With TestNode__HttpPort it is an ASP.NET Core application serving the dashboard at /horde and the health checks on
/// that loopback port; with TestNode__Children=N it runs the supervisor "demo" and starts N children child-0… before READY.
/// </summary>
internal static class HostMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        if (configuration.GetValue<int?>("TestNode:HttpPort") is { } port)
        {
            var web = WebApplication.CreateBuilder(args);
            web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            AddHorde(web);
            var app = web.Build();
            app.MapHordeDashboard("/horde");
            app.MapHordeHealthChecks();
            await app.RunAsync();
            return 0;
        }
        var builder = Host.CreateApplicationBuilder(args);
        AddHorde(builder);
        await builder.Build().RunAsync();
        return 0;
    }

    private static void AddHorde(IHostApplicationBuilder builder)
    {
        var drainCallsFor = builder.Configuration.GetValue<TimeSpan?>("TestNode:DrainCallsFor");
        var children = builder.Configuration.GetValue<int?>("TestNode:Children");
        builder.AddHorde(horde =>
        {
            if (children is not null)
                horde.AddSupervisor("demo", o => o.AddChildType<DemoChild>());
            horde.OnNodeStarted(async (services, node, cancellationToken) =>
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
                var demo = children is > 0 ? services.GetRequiredService<IHordeSupervisors>().Get("demo") : null;
                for (var i = 0; i < (children ?? 0); i++)
                    await demo!.StartChildAsync<DemoChild>($"child-{i}");
                Console.WriteLine("READY");
            });
        });
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

    /// <summary>A child of the supervisor "demo": a counter whose state is handed off.</summary>
    private sealed class DemoChild : GenServer<int>
    {
        protected override int InitialState() => 0;

        protected override ValueTask<object?> HandleCallAsync(object message) => Reply(++State);
    }
}
