namespace ExCluster;

/// <summary>
/// The environment the Elixir original reads: <c>NODE</c> (this node, <c>name@host:port</c>), <c>COOKIE</c>,
/// <c>NODES</c> (the other nodes, comma-separated) and <c>HTTP_PORT</c>. Each is optional; <c>Horde__…</c> settings
/// (as in k8s/) do the same with more choice.
/// </summary>
public static class SeedsEnvironment
{
    public static WebApplicationBuilder UseSeedsEnvironment(this WebApplicationBuilder builder)
    {
        var settings = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("NODE") is { Length: > 0 } node)
            settings["Horde:Name"] = node;
        if (Environment.GetEnvironmentVariable("COOKIE") is { Length: > 0 } cookie)
            settings["Horde:Cookie"] = cookie;
        if (Environment.GetEnvironmentVariable("NODES") is { Length: > 0 })
            settings["Horde:Membership:Topologies:seeds:Strategy"] = "Static"; // the Static strategy reads NODES itself
        builder.Configuration.AddInMemoryCollection(settings);
        if (Environment.GetEnvironmentVariable("HTTP_PORT") is { Length: > 0 } port)
            builder.WebHost.UseUrls($"http://*:{port}");
        return builder;
    }
}
