namespace Tanx.Web;

/// <summary>Which build this node runs (TANX_BUILD, set by the launcher or the image), so a viewer sees a rolling update happen.</summary>
public sealed record BuildInfo(string Build)
{
    public static BuildInfo FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("TANX_BUILD") is { Length: > 0 } build ? build : typeof(BuildInfo).Assembly.GetName().Version?.ToString() ?? "dev");
}
