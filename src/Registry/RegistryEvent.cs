using Horde.Net.Cluster;

namespace Horde.Net.Registry;

/// <summary>What happened to a name on this node.</summary>
public enum RegistryEventKind
{
    /// <summary>The name now belongs to the process.</summary>
    Registered,

    /// <summary>The name no longer belongs to the process (unregistered, exited, its node gone, or lost a conflict).</summary>
    Unregistered,

    /// <summary>The process still holds the name, with a new value.</summary>
    ValueUpdated,
}

/// <summary>A register, unregister or value change, as a listener sees it, in the order it happened on this node.</summary>
/// <typeparam name="TValue">The registry's value type.</typeparam>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The name.</param>
/// <param name="Pid">The process that got or lost the name.</param>
/// <param name="Value">Its value (the new one for <see cref="RegistryEventKind.ValueUpdated"/>).</param>
public sealed record RegistryEvent<TValue>(RegistryEventKind Kind, string Name, Pid Pid, TValue Value);
