using System.Collections.Concurrent;
using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Horde.Net.Supervisor.Hosting;

/// <summary>The supervisors added with <c>AddSupervisor</c>, by name; they exist once the host has started.</summary>
public interface IHordeSupervisors
{
    /// <summary>The supervisor <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">No such supervisor, or the host has not started yet.</exception>
    HordeSupervisor Get(string name);
}

/// <summary>Adds distributed supervisors to Horde.Net in a host: <c>services.AddHorde(horde => horde.AddSupervisor("orders", o => o.AddChildType&lt;Order&gt;()))</c>.</summary>
public static class SupervisorHordeBuilderExtensions
{
    /// <summary>
    /// Adds the supervisor <paramref name="name"/>: it starts when the node has started (its drain hook hands its
    /// children off on SIGTERM), and resolves as <see cref="IHordeSupervisors"/>.Get, as a <see cref="HordeSupervisor"/>
    /// keyed by its name, or through <c>IHorde.Supervisor(name)</c>. Child types without a factory are built from the
    /// host's services. Registers the supervisor's message types. The host's readiness check waits for the first sync
    /// of its replicated maps with the other members.
    /// </summary>
    public static HordeBuilder AddSupervisor(this HordeBuilder horde, string name, Action<HordeSupervisorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(horde);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        horde.Services.TryAddSingleton<HordeSupervisors>();
        horde.Services.TryAddSingleton<IHordeSupervisors>(sp => sp.GetRequiredService<HordeSupervisors>());
        horde.Services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredService<IHordeSupervisors>().Get(name));
        return horde
            .MessageTypes(types => types.AddSupervisor())
            .AddReadinessGate($"supervisor {name}", sp => sp.GetRequiredService<HordeSupervisors>().WaitingFor(name))
            .OnNodeStarted(async (sp, node, _) =>
            {
                var options = new HordeSupervisorOptions { Services = sp };
                configure?.Invoke(options);
                sp.GetRequiredService<HordeSupervisors>().Add(await HordeSupervisor.StartAsync(node, name, options));
            });
    }

    /// <summary>The supervisor <paramref name="name"/> of this node (added with <c>AddSupervisor</c> or started with <see cref="HordeSupervisor.StartAsync"/>).</summary>
    public static HordeSupervisor Supervisor(this IHorde horde, string name)
    {
        ArgumentNullException.ThrowIfNull(horde);
        return HordeSupervisor.Get(horde.Node, name);
    }

    private sealed class HordeSupervisors : IHordeSupervisors
    {
        private readonly ConcurrentDictionary<string, HordeSupervisor> _supervisors = new(StringComparer.Ordinal);

        public HordeSupervisor Get(string name) =>
            _supervisors.TryGetValue(name, out var supervisor)
                ? supervisor
                : throw new InvalidOperationException($"No supervisor '{name}' has started; add it with AddSupervisor(\"{name}\") and resolve it after the host has started.");

        public void Add(HordeSupervisor supervisor) => _supervisors[supervisor.Name] = supervisor;

        public string? WaitingFor(string name) =>
            !_supervisors.TryGetValue(name, out var supervisor) ? "not started"
            : !supervisor.IsCaughtUp ? "first sync with the other members"
            : null;
    }
}
