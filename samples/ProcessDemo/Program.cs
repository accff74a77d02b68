// A tour of Horde.Net's process runtime: a supervised counter that crashes and comes back, a monitor that sees it
// go, and a node that shuts its supervision tree down in order.
using Horde.Net.Cluster;
using Horde.Net.Cluster.Supervision;

await using var node = new Node();

var supervisor = await node.StartAsync(() => new Supervisor(
[
    new ChildSpec("counter", () => new Counter()),
    new ChildSpec("greeter", () => new Greeter()),
]));
Console.WriteLine($"Node {node.Name} started supervisor {supervisor}.");

var counter = await CounterPidAsync();
for (var i = 1; i <= 3; i++)
    Console.WriteLine($"counter += {i} -> {await counter.CallAsync<int>(new Increment(i))}");

Console.WriteLine($"greeter says: {await node.WhereIs("greeter")!.CallAsync<string>(new Greet("Horde"))}");

var watcher = await node.StartAsync(() => new Watcher());
await watcher.CallAsync<object?>(new Watch(counter));
Console.WriteLine("Crashing the counter with a bad request...");
try
{
    await counter.CallAsync<int>(new Increment(-1));
}
catch (ProcessExitedException e)
{
    Console.WriteLine($"  the caller sees: {e.Message}");
}

var restarted = await CounterPidAsync();
Console.WriteLine($"  the watcher saw: {await watcher.CallAsync<string>(new LastDown())}");
Console.WriteLine($"Supervisor restarted the counter as {restarted} (was {counter}); state starts over: {await restarted.CallAsync<int>(new Increment(0))}");

try
{
    await restarted.CallAsync<int>(new Stall(), TimeSpan.FromMilliseconds(200));
}
catch (TimeoutException e)
{
    Console.WriteLine($"A call never waits forever: {e.Message}");
}

Console.WriteLine("Stopping the node: children stop in reverse start order.");
await node.StopAsync();
Console.WriteLine($"Processes left: {node.ProcessCount}");

async Task<Pid> CounterPidAsync() =>
    (await Supervisor.WhichChildrenAsync(supervisor)).Single(c => c.Id == "counter").Pid!;

internal sealed record Increment(int By);
internal sealed record Greet(string Name);
internal sealed record Watch(Pid Pid);
internal sealed record LastDown;
internal sealed record Stall;

internal sealed class Counter : GenServer<int>
{
    protected override int InitialState() => 0;

    protected override async ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case Increment { By: < 0 }:
                throw new ArgumentOutOfRangeException(nameof(message), "counters only go up");
            case Increment add:
                return State += add.By;
            case Stall:
                await Task.Delay(TimeSpan.FromSeconds(1));
                return State;
            default:
                return await Unhandled(message);
        }
    }
}

internal sealed class Greeter : HordeProcess
{
    protected override ValueTask InitAsync()
    {
        TrapExits = true; // so that a shutdown from the supervisor runs TerminateAsync
        Node.Register("greeter", Self);
        return default;
    }

    protected override ValueTask<object?> HandleCallAsync(object message) => message switch
    {
        Greet greet => Reply($"Hello, {greet.Name}!"),
        _ => Unhandled(message),
    };

    protected override ValueTask TerminateAsync(ExitReason reason)
    {
        Console.WriteLine($"  greeter terminating ({reason})");
        return default;
    }
}

internal sealed class Watcher : HordeProcess
{
    private Down? _down;
    private DeferredReply? _asker;

    protected override ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case Watch watch:
                MonitorProcess(watch.Pid);
                return Reply(null);
            case LastDown when _down is not null:
                return Reply(Describe(_down));
            case LastDown:
                _asker = DeferReply(); // answered when the Down arrives; the mailbox keeps flowing meanwhile
                return Reply(null);
            default:
                return Unhandled(message);
        }
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        if (message is Down down)
        {
            _down = down;
            _asker?.Reply(Describe(down));
        }
        return default;
    }

    private static string Describe(Down down) => $"{down.Pid} went down: {down.Reason.Detail}";
}
