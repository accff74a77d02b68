namespace ExCluster.Demo;

/// <summary>What the client did to one order: the appends acknowledged (in order), those sent without an answer, and the nodes it was seen on.</summary>
public sealed class OrderLog(string customer)
{
    private readonly List<(int Value, DateTime At, string Node)> _acks = [];
    private readonly HashSet<int> _unanswered = [];
    private readonly List<string> _nodes = [];
    private readonly Lock _gate = new();

    public string Customer { get; } = customer;

    public IReadOnlyList<(int Value, DateTime At, string Node)> Acks
    {
        get
        {
            lock (_gate)
                return [.. _acks];
        }
    }

    /// <summary>How many times the order was seen on another node than the time before.</summary>
    public int Moves
    {
        get
        {
            lock (_gate)
                return _nodes.Zip(_nodes.Skip(1)).Count(pair => pair.First != pair.Second);
        }
    }

    public void Sending(int value)
    {
        lock (_gate)
            _unanswered.Add(value);
    }

    public void Acknowledged(int value, string node)
    {
        lock (_gate)
        {
            _unanswered.Remove(value);
            _acks.Add((value, DateTime.UtcNow, node));
            Seen(node);
        }
    }

    public void Seen(string node)
    {
        lock (_gate)
        {
            if (_nodes.Count == 0 || _nodes[^1] != node)
                _nodes.Add(node);
        }
    }

    private static string Describe((int Value, DateTime At, string Node) ack, IReadOnlyList<Replacement> kills)
    {
        var next = kills.Where(k => k.SignalledAt >= ack.At).OrderBy(k => k.SignalledAt).FirstOrDefault();
        return next is null
            ? $"{ack.Value} acknowledged on {ack.Node} after the last kill"
            : $"{ack.Value} acknowledged on {ack.Node} {(next.SignalledAt - ack.At).TotalMilliseconds:0} ms before the kill of {next.Old}";
    }

    /// <summary>Compares the order's items with the acknowledged appends.</summary>
    public Verdict Compare(int[] items, IReadOnlyList<Replacement> kills, TimeSpan lossWindow, DateTime settled)
    {
        lock (_gate)
        {
            var present = items.ToHashSet();
            var acked = _acks.Select(a => a.Value).ToHashSet();
            var lost = _acks.Count(a => !present.Contains(a.Value));
            var lostSettled = _acks.Count(a => !present.Contains(a.Value) && a.At < settled);
            var duplicated = items.Length - present.Count;
            var unexpected = present.Count(v => !acked.Contains(v) && !_unanswered.Contains(v));
            // The acknowledged items that are still there must be in the order they were acknowledged.
            var kept = items.Where(acked.Contains).Distinct().ToList();
            var expected = _acks.Select(a => a.Value).Where(present.Contains).ToList();
            // Until the exit was seen: the client stamps an answer when it reads it, which on a loaded machine can be later.
            bool AtRisk((int Value, DateTime At, string Node) a) =>
                kills.Any(k => k.Old == a.Node && a.At <= k.SignalledAt + k.Stopped && a.At > k.SignalledAt - lossWindow);
            var atRisk = _acks.Count(AtRisk);
            var missing = _acks.Where(a => !present.Contains(a.Value)).ToList();
            var first = missing.Where(a => !AtRisk(a)).Select(a => Describe(a, kills)).FirstOrDefault();
            return new Verdict(lost, lostSettled, missing.Count(a => !AtRisk(a)), duplicated, unexpected, !kept.SequenceEqual(expected), atRisk, first);
        }
    }
}

/// <summary>
/// One order's comparison: acknowledged appends missing (of them, those acknowledged before a settled time, and those
/// outside the loss window of a kill, the first described), items there twice, items never sent, order broken, appends
/// a kill could lose.
/// </summary>
public readonly record struct Verdict(int Lost, int LostSettled, int LostOutsideWindow, int Duplicated, int Unexpected, bool OutOfOrder, int AtRisk, string? FirstOutside);

/// <summary>The client's record against the orders as they are after the run.</summary>
public sealed record Check(
    int Orders, long Acknowledged, int Lost, int LostSettled, int LostOutsideWindow, int LossBound, int Duplicated, int Unexpected, int OutOfOrder, long Failed, long Refused,
    TimeSpan LongestWait, string LongestWaitOrder, int Moved, IReadOnlyList<string> Problems, IReadOnlyList<string> Failures)
{
    /// <summary>Nothing acknowledged was lost, doubled, reordered or invented, and no request failed.</summary>
    public bool Exact => Lost == 0 && Duplicated == 0 && Unexpected == 0 && OutOfOrder == 0 && Failed == 0;
}
