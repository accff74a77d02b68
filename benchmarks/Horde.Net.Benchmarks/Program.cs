using BenchmarkDotNet.Running;
using Horde.Net.Benchmarks;
using Horde.Net.Benchmarks.Crdt;

if (args.Length > 0 && args[0] == "crdt-sim")
{
    CrdtSimulation.Run(args[1..]);
    return;
}

// `--fast` (ours, not BenchmarkDotNet's) swaps in a short in-process job so the local suite
// fits in a few minutes on a shared machine; every other argument goes to BenchmarkDotNet.
var fast = args.Contains("--fast");
var rest = args.Where(a => a != "--fast").ToArray();
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(rest, BenchmarkConfig.Create(fast));
