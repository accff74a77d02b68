using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Horde.Net.Cluster.Hosting;

/// <summary>Names configuration keys in error messages, and binds so that a value that does not convert names its key.</summary>
internal static partial class HordeKeys
{
    public const string DefaultSection = "Horde";

    public static string Prefix(HordeSetup setup, IServiceProvider services) => setup.Section(services)?.Path ?? DefaultSection;

    /// <summary>Binds <paramref name="section"/> into <paramref name="target"/>; a value that does not convert becomes one <see cref="HordeConfigurationException"/>.</summary>
    public static void Bind(IConfiguration section, object target, string path, Action<BinderOptions>? configure = null)
    {
        try
        {
            section.Bind(target, configure);
        }
        catch (InvalidOperationException e) when (e is not HordeConfigurationException)
        {
            throw FromBinder(e, path);
        }
    }

    /// <summary>The binder says "at 'Horde:Name'" and puts the reason in the inner exception; one message says both.</summary>
    public static HordeConfigurationException FromBinder(InvalidOperationException e, string path)
    {
        var at = BinderPath().Match(e.Message);
        return new HordeConfigurationException(at.Success ? at.Groups["key"].Value : path, e.InnerException?.Message ?? e.Message, e);
    }

    [GeneratedRegex("at '(?<key>[^']+)'")]
    private static partial Regex BinderPath();

    /// <summary>Binds <see cref="HordeOptions"/> from the section <see cref="HordeSetup.Section"/> names.</summary>
    internal sealed class BindOptions(IServiceProvider services, IOptions<HordeSetup> setup) : IConfigureOptions<HordeOptions>
    {
        public void Configure(HordeOptions options)
        {
            if (setup.Value.Section(services) is { } section)
                Bind(section, options, section.Path);
        }
    }
}
