namespace Horde.Net.Registry.Hosting;

/// <summary>The registries added with <c>AddRegistry</c>, by name; they exist once the host has started.</summary>
public interface IHordeRegistries
{
    /// <summary>The registry <paramref name="name"/> with text values (added with <c>AddRegistry(name)</c>).</summary>
    /// <exception cref="InvalidOperationException">No such registry, or the host has not started yet.</exception>
    HordeRegistry<string> Get(string name);

    /// <summary>The registry <paramref name="name"/> with values of <typeparamref name="TValue"/>.</summary>
    /// <exception cref="InvalidOperationException">No such registry of that value type, or the host has not started yet.</exception>
    HordeRegistry<TValue> Get<TValue>(string name);
}

internal sealed class HordeRegistries : IHordeRegistries
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _registries = new(StringComparer.Ordinal);

    public HordeRegistry<string> Get(string name) => Get<string>(name);

    public HordeRegistry<TValue> Get<TValue>(string name) =>
        _registries.TryGetValue(name, out var registry)
            ? registry as HordeRegistry<TValue> ?? throw new InvalidOperationException($"Registry '{name}' holds values of another type than {typeof(TValue).Name}.")
            : throw new InvalidOperationException($"No registry '{name}' has started; add it with AddRegistry(\"{name}\") and resolve it after the host has started.");

    public void Add<TValue>(HordeRegistry<TValue> registry) => _registries[registry.Name] = registry;

    /// <summary>What the readiness of registry <paramref name="name"/> waits for, or null once it has caught up.</summary>
    public string? WaitingFor<TValue>(string name) =>
        !_registries.TryGetValue(name, out var registry) ? "not started"
        : registry is HordeRegistry<TValue> { IsCaughtUp: false } ? "first sync with the other members"
        : null;
}
