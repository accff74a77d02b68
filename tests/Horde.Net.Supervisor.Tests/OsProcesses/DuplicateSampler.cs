using System.Collections.Concurrent;

namespace Horde.Net.Supervisor.Tests.OsProcesses;

/// <summary>
/// Samples the instances every running node reports (<c>local</c>: id and epoch) in rounds, until disposed, and records
/// every id that ran twice at one instant. Two nodes answer at slightly different instants, so a move between them
/// could show an id on both; what cannot be a move: one epoch on two nodes (two instances of one incarnation), or the
/// same two instances in two rounds in a row (each ran from its first sample to its second, and those intervals overlap).
/// </summary>
internal sealed class DuplicateSampler : IAsyncDisposable
{
    private readonly ProcessCluster _cluster;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public DuplicateSampler(ProcessCluster cluster)
    {
        _cluster = cluster;
        _sampling = Task.Run(SampleAsync);
    }

    public ConcurrentQueue<string> Duplicates { get; } = new();

    public int Rounds { get; private set; }

    private async Task SampleAsync()
    {
        HashSet<string> previous = [];
        while (!_stop.IsCancellationRequested)
        {
            var samples = await Task.WhenAll(_cluster.Snapshot().Select(async n =>
            {
                try
                {
                    return (n.Name, Local: await ProcessCluster.LocalAsync(n));
                }
                catch (InvalidOperationException)
                {
                    return (n.Name, Local: new Dictionary<string, long>()); // it exited (stopped by the test)
                }
            }));
            var current = new HashSet<string>();
            foreach (var group in samples.SelectMany(s => s.Local.Select(kv => (kv.Key, Instance: $"{s.Name}:{kv.Value}", kv.Value))).GroupBy(e => e.Key))
            {
                if (group.Count() < 2)
                    continue;
                var pair = $"{group.Key} on {string.Join(" and ", group.Select(e => e.Instance).Order())}";
                if (group.Select(e => e.Value).Distinct().Count() < group.Count())
                    Duplicates.Enqueue($"{pair}: one epoch on two nodes");
                else if (previous.Contains(pair))
                    Duplicates.Enqueue($"{pair}: two rounds in a row");
                current.Add(pair);
            }
            previous = current;
            Rounds++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _sampling;
        _stop.Dispose();
    }
}
