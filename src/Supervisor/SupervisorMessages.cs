using Horde.Net.Cluster;
using Horde.Net.Registry;
using MessagePack;

namespace Horde.Net.Supervisor;

/// <summary>Asks another member's supervisor to start a child (placement, or a handoff with its state and epoch).</summary>
/// <param name="Spec">The child.</param>
/// <param name="Hops">How many times it was forwarded already; past the limit it is refused, so disagreeing rings cannot loop it.</param>
/// <param name="State">The handed-off state, or null for a fresh start.</param>
/// <param name="Epoch">The instance's epoch (a handoff: the predecessor's plus one), or 0 to pick the next.</param>
[MessagePackObject]
public sealed record SupervisorStartRequest(
    [property: Key(0)] HordeChildSpec Spec,
    [property: Key(1)] int Hops,
    [property: Key(2)] byte[]? State,
    [property: Key(3)] long Epoch);

/// <summary>Asks another member's supervisor to start a group of children placed on it (<see cref="HordeSupervisor.StartChildrenAsync"/>).</summary>
/// <param name="Specs">The children.</param>
/// <param name="Hops">How many times the group was forwarded already.</param>
[MessagePackObject]
public sealed record SupervisorStartManyRequest([property: Key(0)] HordeChildSpec[] Specs, [property: Key(1)] int Hops);

/// <summary>The answers to a <see cref="SupervisorStartManyRequest"/>, in its order.</summary>
/// <param name="Results">One answer per spec.</param>
[MessagePackObject]
public sealed record SupervisorStartManyReply([property: Key(0)] SupervisorStartReply[] Results);

/// <summary>Asks the supervisor on a child's node to terminate it.</summary>
/// <param name="Id">The child's id.</param>
[MessagePackObject]
public sealed record SupervisorTerminateRequest([property: Key(0)] string Id);

/// <summary>A start's answer between nodes.</summary>
/// <param name="Status">Started, already started, or failed.</param>
/// <param name="Pid">The child's process when it runs.</param>
/// <param name="Error">Why it failed.</param>
[MessagePackObject]
public sealed record SupervisorStartReply([property: Key(0)] StartChildStatus Status, [property: Key(1)] Pid? Pid, [property: Key(2)] string? Error);

/// <summary>The message types supervisors send between nodes; register them on every node.</summary>
public static class SupervisorMessageTypes
{
    /// <summary>Adds the supervisor's, the registry's and the replica's types to <paramref name="types"/>.</summary>
    public static MessageTypeRegistry AddSupervisor(this MessageTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Types.ContainsKey(typeof(SupervisorStartRequest)))
            return types;
        return types.AddRegistry()
            .Add<SupervisorStartRequest>()
            .Add<SupervisorStartManyRequest>()
            .Add<SupervisorStartManyReply>()
            .Add<SupervisorTerminateRequest>()
            .Add<SupervisorStartReply>();
    }
}

internal sealed record MonitorChild(Pid Pid);
