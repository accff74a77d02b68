// Usage: Horde.Net.TestNode <name@host:port> <cookie> [replica <map name>] [--registry <name> <count>]
//        Horde.Net.TestNode host     (everything else from Horde__... environment variables; see HostMode)
//        Horde.Net.TestNode supervisor (the same, with a distributed supervisor and commands; see SupervisorMode)
// The first form starts a node with a process registered as "echo" that answers a string call with the same string,
// prints READY, and runs until its standard input closes (or it is killed, which is what tests do to it).
// With "replica <map name>" it also starts the named replica Replica<string, string> and answers one line per command
// read from standard input: "connect <node>" (OK/FAIL), "put <key> <value>" (OK), "get <key>" (the value, or
// "(none)"), "count" (the number of keys), "stats" (neighbours and message counts).
using Horde.Net.Cluster;
using Horde.Net.Crdt;
using Horde.Net.Registry;
using Horde.Net.TestNode;

if (args is ["host", ..])
    return await HostMode.RunAsync(args[1..]);
if (args is ["supervisor", ..])
    return await SupervisorMode.RunAsync(args[1..]);

var options = new NodeOptions
{
    Name = NodeName.Parse(args[0]),
    Cookie = args[1],
    HeartbeatInterval = TimeSpan.FromMilliseconds(200),
    // A fresh process is slow for its first seconds (JIT) on a busy machine; the replica tests need links that survive
    // that, and see a killed process at once anyway (its sockets close).
    FailureThreshold = args.Length >= 3 && args[2] == "replica" ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(1),
};
options.MessageTypes.AddCrdt();
options.MessageTypes.AddRegistry();
var node = new Node(options, new StderrLogging());
await node.ListenAsync();
await node.StartAsync(() => new Echo(), new StartOptions { Name = "echo" });
var replica = args.Length >= 4 && args[2] == "replica" ? await Replica<string, string>.StartAsync(node, args[3]) : null;
await RegistryMode.StartAsync(node, args);
Console.WriteLine("READY");
// Console reads block their thread (ReadLineAsync too): on a thread of its own, so that the pool stays free for the node.
while (await Task.Factory.StartNew(Console.In.ReadLine, TaskCreationOptions.LongRunning) is { } line && replica is not null)
    Console.WriteLine(await ReplicaCommands.RunAsync(node, replica, line.Split(' ', 3)));
await node.DisposeAsync();
return 0;

internal sealed class Echo : HordeProcess
{
    protected override ValueTask<object?> HandleCallAsync(object message) => Reply(message);
}

internal static class ReplicaCommands
{
    public static async Task<string> RunAsync(Node node, Replica<string, string> replica, string[] command)
    {
        try
        {
            switch (command)
            {
                case ["connect", var peer]:
                    return await node.ConnectAsync(NodeName.Parse(peer)) ? "OK" : "FAIL";
                case ["put", var key, var value]:
                    await replica.PutAsync(key, value);
                    return "OK";
                case ["get", var key]:
                    return replica.TryGetValue(key, out var found) ? found : "(none)";
                case ["stats"]:
                    return $"neighbours {replica.Neighbours.Count} connected [{string.Join(",", node.ConnectedNodes)}] sent {replica.Stats.MessagesSent} received {replica.Stats.MessagesReceived} refused {replica.Stats.FromNonNeighbours}";
                case ["count"]:
                    return replica.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    return "ERROR unknown command";
            }
        }
        catch (Exception e)
        {
            return "ERROR " + e.Message.ReplaceLineEndings(" ");
        }
    }
}

/// <summary>Warnings to standard error (the test's output), so a failing multi-process test shows why.</summary>
internal sealed class StderrLogging : Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.ILogger
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)} {exception?.Message}");
    }

    public void Dispose()
    {
    }
}
