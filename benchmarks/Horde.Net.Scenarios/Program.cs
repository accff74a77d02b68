using System.Globalization;
using Horde.Net.Scenarios;
using Horde.Net.Scenarios.Convergence;
using Horde.Net.Scenarios.Remote;

// Cluster figures that need separate OS processes. Usage:
//   remote [--lib akka,proto] [--messages 300000] [--calls 20000]
//   crdt [--keys 10000,100000] [--nodes 3,5] [--writes 20] [--lib horde]   (an empty list skips that part; --lib horde skips Akka)
//   registry [--names 10000] [--calls 5000] [--lookup-seconds 2] [--in-flight 1000] [--rounds 2]
//   supervisor [--children 10000] [--in-flight 1000] [--batch 500] [--lib horde,proto] [--parts starts,leave,recovery]
//              (starts one by one and batched, graceful leave, recovery after a cut)
//   idle [--nodes 3,20] [--warmup 15] [--seconds 10] [--heartbeat-ms N]   (process CPU of idle nodes with one replica each, then without)
//   serve --lib <name> --port <bind> --advertise <port peers dial>    (started by `remote` itself)
var command = args.FirstOrDefault() ?? "";
var options = new CommandLine(args);
// Only the results table goes to standard output; the libraries' own logging (Akka writes to the
// console) and our progress lines go to standard error. `serve` keeps stdout: READY goes there.
var results = Console.Out;
if (command != "serve")
    Console.SetOut(Console.Error);
try
{
    return await RunAsync();
}
catch (Exception e) when (command != "serve")
{
    Console.Error.WriteLine($"{command} failed: {e}");
    return 1;
}

async Task<int> RunAsync()
{
    switch (command)
    {
        case "remote":
            {
                var names = options.Get("lib", string.Join(',', RemoteLibraries.All.Select(l => l.Name))).Split(',');
                var messages = options.GetInt("messages", 300_000);
                var calls = options.GetInt("calls", 20_000);
                var rows = new List<RemoteResult>();
                foreach (var name in names)
                    rows.Add(await new RemoteScenario(RemoteLibraries.Get(name), messages, calls).RunAsync());
                results.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Remote, two OS processes on loopback; {messages:N0} one-way messages (window {RemoteWorkload.Window:N0}, ack every {RemoteWorkload.AckEvery}); {calls:N0} sequential calls after warm-up."));
                results.WriteLine();
                results.WriteLine(RemoteScenario.ToMarkdown(rows));
                return 0;
            }
        case "crdt":
            {
                static int[] Ints(string list) => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
                results.WriteLine(await ConvergenceScenario.RunAsync(
                    Ints(options.Get("keys", "10000,100000")), Ints(options.Get("nodes", "3,5")), options.GetInt("writes", 20),
                    withAkka: options.Get("lib", "akka,horde").Contains("akka", StringComparison.Ordinal)));
                return 0;
            }
        case "idle":
            results.WriteLine(await Horde.Net.Scenarios.Idle.IdleScenario.RunAsync(
                [.. options.Get("nodes", "3,20").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))],
                TimeSpan.FromSeconds(options.GetInt("warmup", 15)), TimeSpan.FromSeconds(options.GetInt("seconds", 10)),
                options.GetInt("heartbeat-ms", 0) is > 0 and var heartbeat ? TimeSpan.FromMilliseconds(heartbeat) : null));
            return 0;
        case "registry":
            results.WriteLine(await Horde.Net.Scenarios.Registry.RegistryScenario.RunAsync(
                options.GetInt("names", 10_000), options.GetInt("calls", 5_000), TimeSpan.FromSeconds(options.GetInt("lookup-seconds", 2)), options.GetInt("in-flight", 1_000),
                options.GetInt("rounds", 2)));
            return 0;
        case "supervisor":
            results.WriteLine(await Horde.Net.Scenarios.Supervisor.SupervisorScenario.RunAsync(
                options.GetInt("children", 10_000), options.GetInt("in-flight", 1_000),
                withProto: options.Get("lib", "horde,proto").Contains("proto", StringComparison.Ordinal),
                batch: options.GetInt("batch", 500), parts: options.Get("parts", "starts,leave,recovery")));
            return 0;
        case "serve":
            {
                var library = RemoteLibraries.Get(options.Get("lib", ""));
                var port = options.GetInt("port", 0);
                await using var node = await library.ServeAsync(new NodeEndpoint(port, options.GetInt("advertise", port)));
                Console.WriteLine(ServerProcess.ReadyLine);
                // The runner closes our standard input when it is done (or dies): then we stop.
                while (Console.ReadLine() is not null)
                {
                }
                return 0;
            }
        default:
            Console.Error.WriteLine("usage: Horde.Net.Scenarios remote [--lib akka,proto] [--messages N] [--calls N] | crdt [--keys 10000,100000] [--nodes 3,5] [--writes 20] [--lib horde] | registry [--names 10000] [--calls 5000] [--rounds 2] | supervisor [--children 10000] [--in-flight 1000] [--batch 500] [--lib horde,proto] [--parts starts,leave,recovery] | idle [--nodes 3,20] [--warmup 15] [--seconds 10] [--heartbeat-ms N]");
            return 2;
    }
}
