using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Horde.Net to a service collection.</summary>
public static class HordeServiceCollectionExtensions
{
    /// <summary>
    /// Adds a Horde.Net node as a hosted service: a singleton <see cref="Node"/> (with the host's logger and meter
    /// factories), its <see cref="ClusterMembership"/> and <see cref="IHorde"/>. Settings bind from the <c>Horde</c>
    /// section of the registered <see cref="IConfiguration"/> (see <see cref="HordeOptions"/>); invalid ones fail the
    /// host's start with a <see cref="HordeConfigurationException"/> naming the key. The node listens and joins when
    /// the host starts and drains when it stops (SIGTERM), within <c>HostOptions.ShutdownTimeout</c>.
    /// </summary>
    public static IServiceCollection AddHorde(this IServiceCollection services, Action<HordeBuilder>? configure = null) =>
        services.AddHorde(sp => sp.GetService<IConfiguration>()?.GetSection(HordeKeys.DefaultSection), configure);

    internal static IServiceCollection AddHorde(this IServiceCollection services, Func<IServiceProvider, IConfigurationSection?> section, Action<HordeBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.Configure<HordeSetup>(setup => setup.Section = section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HordeOptions>, HordeKeys.BindOptions>());
        services.TryAddSingleton(HordeNodeFactory.Create);
        services.TryAddSingleton(HordeMembershipFactory.Create);
        services.TryAddSingleton<IHorde, HordeFacade>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, HordeHostedService>());
        HordeHealthChecks.Register(services);
        configure?.Invoke(new HordeBuilder(services));
        return services;
    }
}
