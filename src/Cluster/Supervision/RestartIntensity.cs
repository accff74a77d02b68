namespace Horde.Net.Cluster.Supervision;

/// <summary>Counts restarts in a sliding window; says when a supervisor has restarted too often and must give up.</summary>
internal sealed class RestartIntensity(SupervisorOptions options)
{
    private readonly Queue<long> _restarts = new();

    /// <summary>Records one restart now; false when that makes more than MaxRestarts within the period.</summary>
    public bool TryRecord()
    {
        var clock = options.TimeProvider;
        var now = clock.GetTimestamp();
        while (_restarts.Count > 0 && clock.GetElapsedTime(_restarts.Peek(), now) >= options.Period)
            _restarts.Dequeue();
        _restarts.Enqueue(now);
        return _restarts.Count <= options.MaxRestarts;
    }
}
