using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>A strategy the test drives by hand; <see cref="Set"/> publishes a list (again, if it is the same).</summary>
internal sealed class ManualStrategy(string topology, params NodeName[] initial) : IMembershipStrategy
{
    private readonly Lock _lock = new();
    private IReadOnlySet<NodeName> _peers = initial.ToHashSet();
    private IPeerListSink? _sink;

    public string Topology { get; } = topology;

    public void Set(params NodeName[] peers)
    {
        lock (_lock)
        {
            _peers = peers.ToHashSet();
            _sink?.Publish(_peers);
        }
    }

    public async Task RunAsync(IPeerListSink sink, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _sink = sink;
            sink.Publish(_peers);
        }
        await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
