using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Horde.Net.Supervisor;

/// <summary>
/// The supervisor's instruments, on one meter "Horde.Net.Supervisor" per meter factory (the node's), or on a meter of
/// its own when the node has none; shared by every supervisor of that factory, as a factory hands out one meter per
/// name. Each measurement is tagged with the supervisor's name and its node.
/// </summary>
internal sealed class SupervisorMetrics
{
    public const string MeterName = "Horde.Net.Supervisor";

    private static readonly ConditionalWeakTable<IMeterFactory, SupervisorMetrics> ByFactory = [];
    private static readonly Lazy<SupervisorMetrics> Own = new(() => new SupervisorMetrics(new Meter(MeterName)));

    // The running supervisors, for the children gauge; weak, so a supervisor never stopped does not stay reachable.
    private readonly ConditionalWeakTable<HordeSupervisor, object> _supervisors = [];

    private SupervisorMetrics(Meter meter)
    {
        meter.CreateObservableGauge("horde.supervisor.children", ObserveChildren, "{child}", "Children running on this node, per supervisor.");
        Starts = meter.CreateCounter<long>("horde.supervisor.starts", "{child}", "Children started on this node (first starts, restarts and handoff arrivals).");
        Restarts = meter.CreateCounter<long>("horde.supervisor.restarts", "{child}", "Children restarted on this node, by cause: crash (it exited) or node_lost (its node went down).");
        Handoffs = meter.CreateCounter<long>("horde.supervisor.handoffs", "{child}", "Children this node handed off, by outcome: moved (to its successor, or its state kept in the map when no member is left) or failed (it goes on here, or on a leaving node its state is parked in the map for crash recovery).");
        HandoffDuration = meter.CreateHistogram<double>("horde.supervisor.handoff.duration", "ms", "Time to hand one child off: suspend, successor start, forward.");
        DrainDuration = meter.CreateHistogram<double>("horde.supervisor.drain.duration", "ms", "Time a drain took to hand off every local child of a supervisor.");
    }

    public Counter<long> Starts { get; }

    public Counter<long> Restarts { get; }

    public Counter<long> Handoffs { get; }

    public Histogram<double> HandoffDuration { get; }

    public Histogram<double> DrainDuration { get; }

    /// <summary>The instruments on <paramref name="factory"/>'s meter, or on the library's own meter if null.</summary>
    public static SupervisorMetrics For(IMeterFactory? factory) =>
        factory is null ? Own.Value : ByFactory.GetValue(factory, f => new SupervisorMetrics(f.Create(MeterName)));

    public void Track(HordeSupervisor supervisor) => _supervisors.AddOrUpdate(supervisor, supervisor);

    public void Untrack(HordeSupervisor supervisor) => _supervisors.Remove(supervisor);

    private IEnumerable<Measurement<int>> ObserveChildren()
    {
        foreach (var (supervisor, _) in _supervisors)
            yield return new(supervisor.LocalChildCount, supervisor.MetricTags);
    }
}
