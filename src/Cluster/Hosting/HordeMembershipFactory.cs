using System.Diagnostics.Metrics;
using Horde.Net.Cluster.Membership;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Horde.Net.Cluster.Hosting;

/// <summary>Makes the DI singleton <see cref="ClusterMembership"/>: the topologies of configuration, then those added in code.</summary>
internal static class HordeMembershipFactory
{
    public static ClusterMembership Create(IServiceProvider services)
    {
        var node = services.GetRequiredService<Node>();
        var setup = services.GetRequiredService<IOptions<HordeSetup>>().Value;
        var options = services.GetRequiredService<IOptions<HordeOptions>>().Value;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var prefix = HordeKeys.Prefix(setup, services);
        var strategies = new List<IMembershipStrategy>();
        if (setup.Section(services)?.GetSection("Membership:Topologies") is { } topologies)
            strategies.AddRange(topologies.GetChildren().Select(topology => FromConfiguration(topology, loggerFactory)));
        strategies.AddRange(setup.Topologies.Select(create => create(services)));
        try
        {
            return new ClusterMembership(node, strategies, options.Membership, loggerFactory.CreateLogger<ClusterMembership>(), services.GetService<IMeterFactory>());
        }
        catch (ArgumentException e)
        {
            var key = e is ArgumentOutOfRangeException && e.ParamName is { } setting ? $"{prefix}:Membership:{setting}" : $"{prefix}:Membership:Topologies";
            throw new HordeConfigurationException(key, WithoutParameter(e), e);
        }
    }

    /// <summary>One topology; a wrong strategy or setting names its key, e.g. <c>Horde:Membership:Topologies:k8s:Config:Service</c>.</summary>
    internal static IMembershipStrategy FromConfiguration(IConfigurationSection topology, ILoggerFactory loggerFactory)
    {
        var strategy = topology["Strategy"];
        var names = string.Join(", ", MembershipTopologies.StrategyNames);
        if (string.IsNullOrWhiteSpace(strategy))
            throw new HordeConfigurationException($"{topology.Path}:Strategy", $"is not set; topology '{topology.Key}' needs a strategy, one of {names}.");
        if (!MembershipTopologies.StrategyNames.Contains(strategy, StringComparer.OrdinalIgnoreCase))
            throw new HordeConfigurationException($"{topology.Path}:Strategy", $"'{strategy}' is not a strategy; expected one of {names}.");
        var config = topology.GetSection("Config");
        try
        {
            return MembershipTopologies.Create(topology, loggerFactory);
        }
        catch (ArgumentException e)
        {
            // A strategy names the missing or wrong setting as the parameter: "Service", "PortName (or Port)".
            var setting = e.ParamName?.Split(' ')[0];
            var key = setting is null or "options" or "topology" ? config.Path : $"{config.Path}:{setting}";
            throw new HordeConfigurationException(key, WithoutParameter(e), e);
        }
        catch (FormatException e)
        {
            throw new HordeConfigurationException(config.Path, e.Message, e);
        }
        catch (InvalidOperationException e) when (e is not HordeConfigurationException)
        {
            throw HordeKeys.FromBinder(e, config.Path);
        }
    }

    private static string WithoutParameter(ArgumentException e) =>
        e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
}
