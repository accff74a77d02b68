using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Horde.Net.Cluster.Hosting;

/// <summary>The node's health checks, registered by <c>AddHorde</c> and mapped by <c>MapHordeHealthChecks</c>.</summary>
public static class HordeHealthChecks
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs; tag your own checks with it to add them.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The tag of the checks <c>/health/live</c> runs.</summary>
    public const string LiveTag = "live";

    /// <summary>The name of the readiness check of the node.</summary>
    public const string Readiness = "horde-ready";

    /// <summary>The name of the liveness check of the node.</summary>
    public const string Liveness = "horde-live";

    internal static void Register(IServiceCollection services)
    {
        // One instance each: readiness remembers that it has been ready once.
        services.TryAddSingleton<HordeReadinessCheck>();
        services.TryAddSingleton<HordeLivenessCheck>();
        services.AddHealthChecks();
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            if (options.Registrations.Any(r => r.Name == Readiness))
                return;
            options.Registrations.Add(new HealthCheckRegistration(Readiness, sp => sp.GetRequiredService<HordeReadinessCheck>(), null, [ReadyTag]));
            options.Registrations.Add(new HealthCheckRegistration(Liveness, sp => sp.GetRequiredService<HordeLivenessCheck>(), null, [LiveTag]));
        });
    }
}
