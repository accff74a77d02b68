using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Horde.Net.Cluster;

namespace Horde.Net.Registry;

/// <summary>
/// The registry's instruments, on one meter "Horde.Net.Registry" per meter factory (the node's), or on a meter of its
/// own when the node has none; shared by every registry of that factory. Tagged with the registry's name and node.
/// </summary>
internal sealed class RegistryMetrics
{
    public const string MeterName = "Horde.Net.Registry";

    private static readonly ConditionalWeakTable<IMeterFactory, RegistryMetrics> ByFactory = [];
    private static readonly Lazy<RegistryMetrics> Own = new(() => new RegistryMetrics(new Meter(MeterName)));

    // The running registries, for the size gauge; weak, so one never stopped does not stay reachable.
    private readonly ConditionalWeakTable<IRegistryStatus, KeyValuePair<string, object?>[]> _registries = [];

    private RegistryMetrics(Meter meter)
    {
        meter.CreateObservableGauge("horde.registry.size", ObserveSizes, "{name}", "Names the local replica of each registry holds.");
        Conflicts = meter.CreateCounter<long>("horde.registry.conflicts", "{name}", "Names a local process lost to a process of another node after a concurrent register (it exits with NameConflict).");
    }

    public Counter<long> Conflicts { get; }

    public static RegistryMetrics For(IMeterFactory? factory) =>
        factory is null ? Own.Value : ByFactory.GetValue(factory, f => new RegistryMetrics(f.Create(MeterName)));

    /// <summary>The tags of a registry's measurements: its name and its node.</summary>
    public static KeyValuePair<string, object?>[] Tags(string registry, Node node) => [new("registry", registry), new("node", node.Name.ToString())];

    public void Track(IRegistryStatus registry, KeyValuePair<string, object?>[] tags) => _registries.AddOrUpdate(registry, tags);

    public void Untrack(IRegistryStatus registry) => _registries.Remove(registry);

    private IEnumerable<Measurement<int>> ObserveSizes()
    {
        foreach (var (registry, tags) in _registries)
            yield return new(registry.Count, tags);
    }
}
