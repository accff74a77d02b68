namespace Horde.Net.Scenarios;

/// <summary>Minimal <c>--name value</c> option parsing for the runner's few commands.</summary>
public sealed class CommandLine(string[] args)
{
    /// <summary>The value after <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public string Get(string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>The integer after <c>--name</c>, or <paramref name="fallback"/>.</summary>
    public int GetInt(string name, int fallback) => int.Parse(Get(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);
}
