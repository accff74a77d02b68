using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Registry;

/// <summary>A name's registration: the process that holds it, its value, and the epoch it was registered with.</summary>
/// <typeparam name="TValue">The registry's value type.</typeparam>
/// <param name="Pid">The process holding the name.</param>
/// <param name="Value">The value registered with it.</param>
/// <param name="Epoch">
/// A fencing value: a register with a larger epoch takes the name from a live holder with a smaller one, and after a
/// partition heals the larger epoch wins (equal epochs: the later write, the same on every node).
/// </param>
[MessagePackObject]
public sealed record RegistryEntry<TValue>([property: Key(0)] Pid Pid, [property: Key(1)] TValue Value, [property: Key(2)] long Epoch);
