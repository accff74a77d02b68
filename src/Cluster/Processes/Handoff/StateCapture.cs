namespace Horde.Net.Cluster;

/// <summary>A <see cref="GenServer{TState}"/>'s state between two messages, as <see cref="Node.CaptureStateAsync(Pid, TimeSpan?)"/> returns it.</summary>
/// <param name="Version">The state's version (see <see cref="Node.GetStateVersion(Pid)"/>) that <paramref name="State"/> holds.</param>
/// <param name="State">The serialized state.</param>
public sealed record StateCapture(long Version, ReadOnlyMemory<byte> State);
