// Usage: Horde.Net.TestNode <name@host:port> <cookie>
// Starts a node with a process registered as "echo" that answers a string call with the same string, prints READY,
// and runs until its standard input closes (or it is killed, which is what tests do to it).
using Horde.Net.Cluster;

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

internal sealed class Echo : HordeProcess
{
    protected override ValueTask<object?> HandleCallAsync(object message) => Reply(message);
}
