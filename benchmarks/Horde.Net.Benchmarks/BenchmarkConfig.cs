using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Horde.Net.Benchmarks;

/// <summary>The configuration every benchmark in this project runs with.</summary>
public static class BenchmarkConfig
{
    /// <summary>
    /// Builds the configuration. The fast variant runs in-process (no generated project to build)
    /// with few, short iterations: noisier, but ratios between libraries in one run still hold.
    /// </summary>
    public static IConfig Create(bool fast)
    {
        var config = DefaultConfig.Instance
            .AddColumn(StatisticColumn.Median, StatisticColumn.OperationsPerSecond)
            .AddDiagnoser(MemoryDiagnoser.Default);
        if (!fast)
            return config;
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Fast");
        return config.AddJob(job);
    }
}
