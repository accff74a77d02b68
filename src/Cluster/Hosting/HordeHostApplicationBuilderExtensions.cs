using Horde.Net.Cluster.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds Horde.Net to a host application builder.</summary>
public static class HordeHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds a Horde.Net node bound from the <paramref name="sectionName"/> section (<c>Horde</c>) of the builder's
    /// configuration: <c>appsettings.json</c>, or environment variables such as <c>Horde__Name</c>,
    /// <c>Horde__Cookie</c> and <c>Horde__Membership__Topologies__k8s__Strategy=KubernetesDns</c>. See
    /// <see cref="HordeServiceCollectionExtensions.AddHorde(IServiceCollection, Action{HordeBuilder}?)"/>.
    /// </summary>
    public static IHostApplicationBuilder AddHorde(this IHostApplicationBuilder builder, Action<HordeBuilder>? configure = null, string sectionName = "Horde")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(sectionName);
        builder.Services.AddHorde(_ => section, configure);
        return builder;
    }
}
