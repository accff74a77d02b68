namespace Horde.Net.Scenarios;

/// <summary>Order statistics over measured samples.</summary>
public static class Stats
{
    /// <summary>The <paramref name="p"/>-quantile (0..1) of <paramref name="sorted"/>, nearest-rank.</summary>
    public static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
            return double.NaN;
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
