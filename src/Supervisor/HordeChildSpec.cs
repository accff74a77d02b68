using Horde.Net.Cluster.Supervision;
using MessagePack;

namespace Horde.Net.Supervisor;

/// <summary>
/// How the distributed supervisor runs one child. It travels between nodes and lives in the replicated map, so it names
/// the child's type (registered on every node with <see cref="ChildTypes.Add{T}(string?, Func{IServiceProvider?, Cluster.HordeProcess}?)"/>)
/// rather than carrying a delegate: any node can start the child again.
/// </summary>
[MessagePackObject]
public sealed record HordeChildSpec
{
    /// <summary>The child's id, unique in its supervisor across the cluster; it is also the name it is called by.</summary>
    [Key(0)]
    public required string Id { get; init; }

    /// <summary>The registered name of the child's type (by default its full .NET name).</summary>
    [Key(1)]
    public required string Type { get; init; }

    /// <summary>When the child is restarted after it exits: <see cref="Restart.Permanent"/> by default.</summary>
    [Key(2)]
    public Restart Restart { get; init; } = Restart.Permanent;

    /// <summary>How long the child has for its terminate when it is stopped. 5 s by default.</summary>
    [Key(3)]
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Opt-in checkpointing: how often a changed state is written to the replicated map, so that after its node is
    /// killed the child restarts from it (losing at most this interval plus one sync). Null (the default): no
    /// checkpoints; a graceful move still carries the exact state.
    /// </summary>
    [Key(4)]
    public TimeSpan? CheckpointInterval { get; init; }

    /// <summary>A spec for a child of type <typeparamref name="T"/> registered under its default name.</summary>
    public static HordeChildSpec For<T>(string id) where T : Cluster.HordeProcess =>
        new() { Id = id, Type = ChildTypes.NameOf<T>() };
}
