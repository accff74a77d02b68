namespace Horde.Net.TestKit;

/// <summary>A clock that moves only when the test says so.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UnixEpoch.Ticks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
}
