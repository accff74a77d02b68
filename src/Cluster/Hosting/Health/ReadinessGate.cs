namespace Horde.Net.Cluster.Hosting;

/// <summary>A condition readiness waits for (see <see cref="HordeBuilder.AddReadinessGate"/>): null from <see cref="WaitingFor"/> once it holds.</summary>
internal sealed record ReadinessGate(string Name, Func<IServiceProvider, string?> WaitingFor);
