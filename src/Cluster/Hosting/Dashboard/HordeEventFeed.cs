namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// The recent events the dashboard lists (node up, leaving and down, handoffs, conflicts), newest last, the last
/// <see cref="Capacity"/> kept. <c>AddHorde</c> adds the node's own; the layers above add theirs. A singleton in DI.
/// </summary>
public sealed class HordeEventFeed
{
    /// <summary>How many events are kept.</summary>
    public const int Capacity = 200;

    private readonly Queue<HordeEvent> _events = new();
    private long _sequence;

    /// <summary>Adds an event of <paramref name="kind"/> (a short word such as <c>node-down</c>) described by <paramref name="text"/>.</summary>
    public void Add(string kind, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(text);
        lock (_events)
        {
            _events.Enqueue(new HordeEvent(++_sequence, DateTimeOffset.UtcNow, kind, text));
            if (_events.Count > Capacity)
                _events.Dequeue();
        }
    }

    /// <summary>The events kept, oldest first.</summary>
    public IReadOnlyList<HordeEvent> Recent()
    {
        lock (_events)
            return [.. _events];
    }
}

/// <summary>One event of the <see cref="HordeEventFeed"/>.</summary>
/// <param name="Sequence">Its number, growing by one.</param>
/// <param name="Time">When it was added.</param>
/// <param name="Kind">A short word: <c>node-up</c>, <c>node-leaving</c>, <c>node-down</c>, <c>handoff</c>, …</param>
/// <param name="Text">What happened.</param>
public sealed record HordeEvent(long Sequence, DateTimeOffset Time, string Kind, string Text);
