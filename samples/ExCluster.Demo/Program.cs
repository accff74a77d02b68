// The rolling-update proof (bash build.sh demo): three ExCluster nodes as separate OS processes, 300 orders, a client
// appending throughout, every node replaced in turn by SIGTERM, then the same with SIGKILL and checkpoints on.
// Exits 1 if the SIGTERM roll lost an acknowledged append or failed a request.
using System.Globalization;
using ExCluster.Demo;

var orders = args.Length > 1 && args[0] == "--orders" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
const int Nodes = 3;
const int Workers = 12;
var between = TimeSpan.FromSeconds(2);
var checkpoint = TimeSpan.FromSeconds(1);

var term = await Roll.RunAsync("SIGTERM roll", StopSignal.Term, null, Nodes, orders, Workers, between, Console.Out);
var kill = await Roll.RunAsync($"SIGKILL roll, checkpoint every {checkpoint.TotalSeconds:0} s", StopSignal.Kill, checkpoint, Nodes, orders, Workers, between, Console.Out);
Summary.Print([term, kill], Console.Out);

var clean = term.Check.Exact && term.Steps.All(s => s.ExitCode == 0);
Console.WriteLine(clean
    ? "SIGTERM roll: every acknowledged append is there, in order, and no request failed."
    : "SIGTERM roll: NOT clean (see above).");
return clean ? 0 : 1;
