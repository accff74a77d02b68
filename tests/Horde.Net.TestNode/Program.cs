// Usage: Horde.Net.TestNode <name@host:port> <cookie>
//        Horde.Net.TestNode host     (everything else from Horde__... environment variables; see HostMode)
// The first form starts a node with a process registered as "echo" that answers a string call with the same string,
// prints READY, and runs until its standard input closes (or it is killed, which is what tests do to it).
using Horde.Net.Cluster;
using Horde.Net.TestNode;

if (args is ["host", ..])
    return await HostMode.RunAsync(args[1..]);

var node = new Node(new NodeOptions
{
    Name = NodeName.Parse(args[0]),
    Cookie = args[1],
    HeartbeatInterval = TimeSpan.FromMilliseconds(200),
    FailureThreshold = TimeSpan.FromSeconds(1),
});
await node.ListenAsync();
await node.StartAsync(() => new Echo(), new StartOptions { Name = "echo" });
Console.WriteLine("READY");
await Console.In.ReadLineAsync();
await node.DisposeAsync();
return 0;

internal sealed class Echo : HordeProcess
{
    protected override ValueTask<object?> HandleCallAsync(object message) => Reply(message);
}
