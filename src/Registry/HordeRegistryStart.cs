using Horde.Net.Cluster;

namespace Horde.Net.Registry;

/// <summary>Starts registries: <c>var orders = await HordeRegistry.StartAsync(node, "orders");</c> on every node.</summary>
public static class HordeRegistry
{
    /// <summary>Starts the registry <paramref name="name"/> on <paramref name="node"/>, with text values.</summary>
    /// <inheritdoc cref="StartAsync{TValue}(Node, string, RegistryOptions?)"/>
    public static Task<HordeRegistry<string>> StartAsync(Node node, string name, RegistryOptions? options = null) =>
        StartAsync<string>(node, name, options);

    /// <summary>
    /// Starts the registry <paramref name="name"/> on <paramref name="node"/>. The registries of one name on connected
    /// nodes find each other and share their names (or only those of <see cref="RegistryOptions.Members"/>).
    /// </summary>
    /// <typeparam name="TValue">The values registered with names; MessagePack-serializable, the same on every node.</typeparam>
    /// <param name="node">The node; it needs <see cref="RegistryMessageTypes.AddRegistry"/> in its message types.</param>
    /// <param name="name">The registry's name, the same on every node.</param>
    /// <param name="options">Settings.</param>
    /// <exception cref="NameTakenException">A registry of this name already runs on the node.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static Task<HordeRegistry<TValue>> StartAsync<TValue>(Node node, string name, RegistryOptions? options = null) =>
        HordeRegistry<TValue>.StartAsync(node, name, options ?? new RegistryOptions());
}
