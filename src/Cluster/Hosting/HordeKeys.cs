using System.Reflection;
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

    /// <summary>
    /// Refuses a key under <paramref name="section"/> that no property of <paramref name="type"/> (or of a nested
    /// options class) binds to: a misspelt <c>Horde:Cokie</c> would otherwise be ignored and the node start without
    /// the setting meant. The keys in <paramref name="readElsewhere"/> (paths relative to the section) are read by
    /// someone else and not checked.
    /// </summary>
    public static void RejectUnknown(IConfigurationSection section, Type type, IReadOnlySet<string> readElsewhere, string relative = "")
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var path = relative.Length == 0 ? child.Key : $"{relative}:{child.Key}";
            if (readElsewhere.Contains(path))
                continue;
            if (!properties.TryGetValue(child.Key, out var property))
                throw new HordeConfigurationException(child.Path,
                    $"is not a setting; expected one of {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))} (a misspelt key would be ignored).");
            if (IsOptionsClass(property.PropertyType))
                RejectUnknown(child, property.PropertyType, readElsewhere, path);
        }
    }

    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsAssignableTo(typeof(System.Collections.IEnumerable));

    [GeneratedRegex("at '(?<key>[^']+)'")]
    private static partial Regex BinderPath();

    /// <summary>Binds <see cref="HordeOptions"/> from the section <see cref="HordeSetup.Section"/> names.</summary>
    internal sealed class BindOptions(IServiceProvider services, IOptions<HordeSetup> setup) : IConfigureOptions<HordeOptions>
    {
        // The topologies are read by HordeMembershipFactory, each strategy's Config refusing unknown keys itself.
        private static readonly HashSet<string> ReadElsewhere = new(StringComparer.OrdinalIgnoreCase) { "Membership:Topologies" };

        public void Configure(HordeOptions options)
        {
            if (setup.Value.Section(services) is not { } section)
                return;
            RejectUnknown(section, typeof(HordeOptions), ReadElsewhere);
            Bind(section, options, section.Path);
        }
    }
}
