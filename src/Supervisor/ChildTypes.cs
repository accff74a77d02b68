using System.Collections.Concurrent;
using Horde.Net.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace Horde.Net.Supervisor;

/// <summary>
/// The child types a node's supervisor can start, by name. A child must be able to restart on any node, so its spec
/// names its type and every node registers the same types (a delegate cannot travel between nodes).
/// </summary>
public sealed class ChildTypes
{
    private readonly ConcurrentDictionary<string, Func<IServiceProvider?, HordeProcess>> _factories = new(StringComparer.Ordinal);

    /// <summary>The default name of <typeparamref name="T"/>: its full .NET name.</summary>
    public static string NameOf<T>() => typeof(T).FullName ?? typeof(T).Name;

    /// <summary>
    /// Registers <typeparamref name="T"/> under <paramref name="name"/> (default: its full name). Without
    /// <paramref name="factory"/> instances come from the host's services (constructor injection) when there is a host,
    /// otherwise from its parameterless constructor.
    /// </summary>
    public ChildTypes Add<T>(string? name = null, Func<IServiceProvider?, HordeProcess>? factory = null) where T : HordeProcess
    {
        _factories[name ?? NameOf<T>()] = factory ?? (services => services is null
            ? Activator.CreateInstance<T>()
            : ActivatorUtilities.CreateInstance<T>(services));
        return this;
    }

    /// <summary>Whether <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => _factories.ContainsKey(name);

    /// <summary>The registered names.</summary>
    public IReadOnlyCollection<string> Names => [.. _factories.Keys];

    internal Func<HordeProcess>? Factory(string name, IServiceProvider? services) =>
        _factories.TryGetValue(name, out var create) ? () => create(services) : null;
}
