using Horde.Net.Cluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Horde.Net.Registry.Hosting;

/// <summary>Adds registries to Horde.Net in a host: <c>services.AddHorde(horde => horde.AddRegistry("orders"))</c>.</summary>
public static class RegistryHordeBuilderExtensions
{
    /// <summary>Adds the registry <paramref name="name"/> with text values.</summary>
    /// <inheritdoc cref="AddRegistry{TValue}(HordeBuilder, string, RegistryOptions?)"/>
    public static HordeBuilder AddRegistry(this HordeBuilder horde, string name, RegistryOptions? options = null) =>
        horde.AddRegistry<string>(name, options);

    /// <summary>
    /// Adds the registry <paramref name="name"/>: it starts when the node has started, and resolves as
    /// <see cref="IHordeRegistries"/>.Get or as a <see cref="HordeRegistry{TValue}"/> keyed by its name. Registers the
    /// registry's message types. The host's readiness check waits for its first sync with the other members.
    /// </summary>
    public static HordeBuilder AddRegistry<TValue>(this HordeBuilder horde, string name, RegistryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(horde);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        horde.Services.TryAddSingleton<HordeRegistries>();
        horde.Services.TryAddSingleton<IHordeRegistries>(sp => sp.GetRequiredService<HordeRegistries>());
        horde.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHordeDashboardSource, RegistryDashboardSource>());
        horde.Services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<IHordeRegistries>().Get<TValue>(name));
        return horde
            .MessageTypes(types => types.AddRegistry())
            .AddReadinessGate($"registry {name}", sp => sp.GetRequiredService<HordeRegistries>().WaitingFor<TValue>(name))
            .OnNodeStarted(async (sp, node, _) =>
            {
                var registry = await HordeRegistry.StartAsync<TValue>(node, name, options);
                var feed = sp.GetRequiredService<HordeEventFeed>();
                ((IRegistryStatus)registry).ConflictResolved += (key, loser, winner) =>
                    feed.Add("conflict", $"registry {name}: {loser} lost {key} to {winner} after a partition healed");
                sp.GetRequiredService<HordeRegistries>().Add(registry);
            });
    }
}
