// A Horde.Net node in a Generic Host, configured only by AddHorde and configuration. Run several with
//   Horde__Name=a@127.0.0.1:4401 Horde__Cookie=secret \
//   Horde__Membership__Topologies__seeds__Strategy=Static \
//   Horde__Membership__Topologies__seeds__Config__Nodes__0=a@127.0.0.1:4401 ... dotnet run
// (demo.sh starts three): each greets the peers it meets; SIGTERM (Ctrl+C, kubectl delete pod) drains the node, which
// says goodbye before it exits with code 0.
using Horde.Net.Cluster;
using MessagePack;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddHorde(horde => horde
    .MessageTypes(types => types.Add<Greet>())
    .OnNodeStarted(async (_, node, cancellationToken) =>
    {
        await node.StartAsync(() => new Greeter(), new StartOptions { Name = "greeter" }, cancellationToken);
        node.NodeConnected += (_, up) => _ = GreetAsync(node, up.Node);
        node.NodeDisconnected += (_, down) => Console.WriteLine($"{node.Name.Name}: {down.Node.Name} is down ({down.Reason})");
        node.OnDrain(async drain =>
        {
            // Where an application hands its processes off; here it only says farewell while still connected.
            foreach (var peer in node.ConnectedNodes)
            {
                if (await node.WhereIsAsync(peer, "greeter") is { } greeter)
                    Console.WriteLine($"{node.Name.Name}: draining, {peer.Name} answers: {await greeter.CallAsync<string>(new Greet($"{node.Name.Name}, leaving"), cancellationToken: drain)}");
            }
        });
    }));
await builder.Build().RunAsync();

static async Task GreetAsync(Node node, NodeName peer)
{
    try
    {
        if (await node.WhereIsAsync(peer, "greeter") is { } greeter)
            Console.WriteLine($"{node.Name.Name}: met {peer.Name}, who says: {await greeter.CallAsync<string>(new Greet(node.Name.Name))}");
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or ProcessExitedException)
    {
        Console.WriteLine($"{node.Name.Name}: could not greet {peer.Name}: {e.Message}");
    }
}

/// <summary>A greeting from one node's greeter to another's.</summary>
[MessagePackObject]
public sealed record Greet([property: Key(0)] string From);

internal sealed class Greeter : GenServer<int>
{
    protected override int InitialState() => 0;

    protected override ValueTask<object?> HandleCallAsync(object message) => message switch
    {
        Greet greet => Reply($"hello {greet.From}, from {Self.Node.Name} (greeting #{++State})"),
        _ => Unhandled(message),
    };
}
