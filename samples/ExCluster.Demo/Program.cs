// The rolling-update proof (bash build.sh demo): three ExCluster nodes as separate OS processes, 300 orders, a client
// appending throughout, every node replaced in turn by SIGTERM, then the same with SIGKILL and checkpoints on.
// Exits 1 if the SIGTERM roll lost an acknowledged append or failed a request.
using System.Globalization;
using ExCluster.Demo;

var orders = Option("--orders") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 300;
var only = Option("--only"); // term or kill: one roll
const int Nodes = 3;
const int Workers = 12;
var between = TimeSpan.FromSeconds(2);
var checkpoint = TimeSpan.FromSeconds(1);

var rolls = new List<RollResult>();
if (only != "kill")
    rolls.Add(await Roll.RunAsync("SIGTERM roll", StopSignal.Term, null, Nodes, orders, Workers, between, Console.Out));
if (only != "term")
    rolls.Add(await Roll.RunAsync($"SIGKILL roll, checkpoint every {checkpoint.TotalSeconds:0} s", StopSignal.Kill, checkpoint, Nodes, orders, Workers, between, Console.Out));
Summary.Print(rolls, Console.Out);

var clean = rolls.Where(r => r.Signal == StopSignal.Term).All(r => r.Check.Exact && r.Steps.All(s => s.ExitCode == 0));
if (only != "kill")
    Console.WriteLine(clean
    ? "SIGTERM roll: every acknowledged append is there, in order, and no request failed."
    : "SIGTERM roll: NOT clean (see above).");
return clean ? 0 : 1;

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
