using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

// Handles: children addressed by id.
public sealed partial class HordeSupervisor
{
    /// <summary>
    /// The child <paramref name="id"/> of type <typeparamref name="T"/> (registered on every node), called by id from any
    /// node and started on first use. <paramref name="configure"/> adjusts the spec it starts with (restart type,
    /// checkpointing).
    /// </summary>
    public ChildHandle<T> Child<T>(string id, Func<HordeChildSpec, HordeChildSpec>? configure = null) where T : HordeProcess
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var spec = HordeChildSpec.For<T>(id);
        return new ChildHandle<T>(this, configure is null ? spec : configure(spec));
    }

    /// <summary>Whether the cluster knows child <paramref name="id"/> (running, moving or restarting). Local.</summary>
    public bool Knows(string id) => _children.TryGetValue(id, out _);

    /// <summary>The version of child <paramref name="id"/>'s last checkpoint in the map, or null. Local.</summary>
    public long? CheckpointVersion(string id) => _states.TryGetValue(id, out var state) ? state.Version : null;
}
