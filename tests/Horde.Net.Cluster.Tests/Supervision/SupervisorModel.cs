using Horde.Net.Cluster.Supervision;
namespace Horde.Net.Cluster.Tests.Supervision;

/// <summary>What OTP says a supervisor's children look like after each child exit: the model the property test checks against.</summary>
internal sealed class SupervisorModel(RestartStrategy strategy, int maxRestarts, TimeSpan period, IEnumerable<Restart> restarts)
{
    private readonly Queue<TimeSpan> _restartTimes = new();

    public List<ChildModel> Children { get; } = [.. restarts.Select((r, i) => new ChildModel($"c{i}", r))];

    public bool Alive { get; private set; } = true;

    public TimeSpan Now { get; set; }

    public void Exit(ChildModel child, bool normal)
    {
        child.Running = false;
        if (child.Restart == Restart.Temporary)
            Children.Remove(child);
        if (!(child.Restart == Restart.Permanent || (child.Restart == Restart.Transient && !normal)))
            return;

        while (_restartTimes.Count > 0 && Now - _restartTimes.Peek() >= period)
            _restartTimes.Dequeue();
        _restartTimes.Enqueue(Now);
        if (_restartTimes.Count > maxRestarts)
        {
            Alive = false;
            Children.ForEach(c => c.Running = false);
            return;
        }

        var index = Children.IndexOf(child);
        var affected = strategy switch
        {
            RestartStrategy.OneForAll => Children.ToList(),
            RestartStrategy.RestForOne => Children.Skip(index).ToList(),
            _ => [child],
        };
        foreach (var other in affected)
        {
            if (other != child && other.Restart == Restart.Temporary)
            {
                Children.Remove(other);
            }
            else
            {
                other.Running = true;
                other.Generation++;
            }
        }
    }
}

internal sealed class ChildModel(string id, Restart restart)
{
    public string Id { get; } = id;

    public Restart Restart { get; } = restart;

    public bool Running { get; set; } = true;

    public int Generation { get; set; }
}
