namespace Horde.Net.Cluster.Supervision;

/// <summary>Counts restarts in a sliding window; says when something has restarted too often and must be given up.</summary>
internal sealed class RestartIntensity(int maxRestarts, TimeSpan period, TimeProvider clock)
{
    private readonly Queue<long> _restarts = new();

    public RestartIntensity(SupervisorOptions options)
        : this(options.MaxRestarts, options.Period, options.TimeProvider)
    {
    }

    /// <summary>Records one restart now; false when that makes more than the most restarts allowed within the period.</summary>
    public bool TryRecord()
    {
        var now = clock.GetTimestamp();
        while (_restarts.Count > 0 && clock.GetElapsedTime(_restarts.Peek(), now) >= period)
            _restarts.Dequeue();
        _restarts.Enqueue(now);
        return _restarts.Count <= maxRestarts;
    }
}
