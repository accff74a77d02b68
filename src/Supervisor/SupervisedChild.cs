using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

/// <summary>One child as <see cref="HordeSupervisor.WhichChildren"/> reports it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Pid">Its running instance, or null while it starts, moves or restarts.</param>
/// <param name="Spec">Its spec.</param>
/// <param name="Owner">The node that runs (or last ran) it.</param>
public sealed record SupervisedChild(string Id, Pid? Pid, HordeChildSpec Spec, NodeName Owner);

/// <summary>One instance running on this node, as <see cref="HordeSupervisor.LocalInstances"/> reports it.</summary>
/// <param name="Id">The child's id.</param>
/// <param name="Pid">The instance.</param>
/// <param name="Epoch">Its epoch: each new instance of an id (restart, move) has a larger one.</param>
public sealed record LocalChildInstance(string Id, Pid Pid, long Epoch);
