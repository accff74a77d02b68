// Usage: Horde.Net.TestNode <name@host:port> <cookie> [--registry <name> <count>]
// Starts a node with a process registered as "echo" that answers a string call with the same string, prints READY,
// and runs until its standard input closes (or it is killed, which is what tests do to it).
using Horde.Net.Cluster;
using Horde.Net.Registry;

var options = new NodeOptions
{
    Name = NodeName.Parse(args[0]),
    Cookie = args[1],
    HeartbeatInterval = TimeSpan.FromMilliseconds(200),
    FailureThreshold = TimeSpan.FromSeconds(1),
};
options.MessageTypes.AddRegistry();
var node = new Node(options);
await node.ListenAsync();
await node.StartAsync(() => new Echo(), new StartOptions { Name = "echo" });
await RegistryMode.StartAsync(node, args);
Console.WriteLine("READY");
await Console.In.ReadLineAsync();
await node.DisposeAsync();

internal sealed class Echo : HordeProcess
{
    protected override ValueTask<object?> HandleCallAsync(object message) => Reply(message);
}
