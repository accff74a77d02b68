using BenchmarkDotNet.Running;
using Horde.Net.Benchmarks.Crdt;

if (args.Length > 0 && args[0] == "crdt-sim")
{
    CrdtSimulation.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
