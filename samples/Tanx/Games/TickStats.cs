using System.Diagnostics.Metrics;

namespace Tanx.Games;

/// <summary>
/// This node's physics figures for the load benchmark: the interval between a game's steps (20 ms at a steady 50 Hz; a
/// busy node makes it longer), the time a step takes, and how many games run here.
/// </summary>
public sealed class TickStats
{
    private readonly Window _intervals = new();
    private readonly Window _work = new();
    private readonly Histogram<double> _intervalHistogram;
    private int _games;

    public TickStats(IMeterFactory meters)
    {
        var meter = meters.Create("Tanx");
        _intervalHistogram = meter.CreateHistogram<double>("tanx.tick.interval", "ms", "Time between two physics steps of a game");
        meter.CreateObservableGauge("tanx.games", () => Volatile.Read(ref _games), description: "Games running on this node");
    }

    public int LocalGames => Volatile.Read(ref _games);

    public long Ticks => _intervals.Count;

    public void GameStarted() => Interlocked.Increment(ref _games);

    public void GameStopped() => Interlocked.Decrement(ref _games);

    public void Record(double intervalMs, double workMs)
    {
        _intervals.Add(intervalMs);
        _work.Add(workMs);
        _intervalHistogram.Record(intervalMs);
    }

    /// <summary>The quantile of the last intervals between steps, in milliseconds.</summary>
    public double IntervalQuantile(double quantile) => _intervals.Quantile(quantile);

    /// <summary>The quantile of the last step durations, in milliseconds.</summary>
    public double WorkQuantile(double quantile) => _work.Quantile(quantile);

    /// <summary>Forgets the figures so far (a benchmark measures from a steady state).</summary>
    public void Reset()
    {
        _intervals.Reset();
        _work.Reset();
    }

    /// <summary>The last 16384 samples.</summary>
    private sealed class Window
    {
        private const int Size = 16384;
        private readonly double[] _samples = new double[Size];
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Add(double sample) => _samples[(int)((Interlocked.Increment(ref _count) - 1) % Size)] = sample;

        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public double Quantile(double quantile)
        {
            var n = (int)Math.Min(Count, Size);
            if (n == 0)
                return 0;
            var sorted = _samples[..n];
            Array.Sort(sorted);
            return sorted[Math.Min(n - 1, (int)(quantile * n))];
        }
    }
}
