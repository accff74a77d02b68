using System.Diagnostics.Metrics;
using System.Net;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Horde.Net.Cluster.Hosting;

/// <summary>Makes the DI singleton <see cref="Node"/> from <see cref="HordeOptions"/>; every invalid setting is one <see cref="HordeConfigurationException"/>.</summary>
internal static class HordeNodeFactory
{
    public static Node Create(IServiceProvider services)
    {
        var setup = services.GetRequiredService<IOptions<HordeSetup>>().Value;
        var options = services.GetRequiredService<IOptions<HordeOptions>>().Value;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var prefix = HordeKeys.Prefix(setup, services);
        var shutdown = services.GetService<IOptions<HostOptions>>()?.Value.ShutdownTimeout;

        var node = ToNodeOptions(options, prefix);
        node.DrainTimeout = DrainWithin(options.DrainTimeout, shutdown, prefix, loggerFactory.CreateLogger<Node>());
        foreach (var name in options.MessageAssemblies)
            node.MessageTypes.AddAssembly(LoadAssembly(name, $"{prefix}:{nameof(HordeOptions.MessageAssemblies)}"));
        foreach (var assembly in setup.MessageAssemblies)
            node.MessageTypes.AddAssembly(assembly);
        foreach (var register in setup.MessageTypes)
            register(node.MessageTypes);
        foreach (var configure in setup.NodeConfigurations)
            configure(node);
        if (node.FindClusterProblem() is { } problem)
            throw new HordeConfigurationException($"{prefix}:{problem.Setting}", problem.Problem);
        var created = new Node(node, loggerFactory, services.GetService<IMeterFactory>());
        services.GetService<NodeEventRecorder>()?.Attach(created); // from the start, so the dashboard misses no event
        return created;
    }

    /// <summary>
    /// The drain deadline under a host: at most <see cref="HordeOptions.DrainTimeout"/>, and short enough that the
    /// processes can still stop and the node say goodbye before the host's shutdown timeout ends the process.
    /// </summary>
    internal static TimeSpan DrainWithin(TimeSpan drain, TimeSpan? shutdown, string prefix, ILogger logger)
    {
        if (drain <= TimeSpan.Zero)
            throw new HordeConfigurationException($"{prefix}:{nameof(HordeOptions.DrainTimeout)}", $"must be positive, not {drain}.");
        if (shutdown is not { } limit || limit == Timeout.InfiniteTimeSpan)
            return drain;
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, limit.Ticks / 4));
        var allowed = limit - margin;
        if (drain <= allowed)
            return drain;
        logger.LogInformation("{Key} ({Drain}) is cut to {Allowed} so that the node stops and says goodbye within HostOptions.ShutdownTimeout ({Shutdown}).",
            $"{prefix}:{nameof(HordeOptions.DrainTimeout)}", drain, allowed, limit);
        return allowed;
    }

    private static NodeOptions ToNodeOptions(HordeOptions options, string prefix)
    {
        string Key(string setting) => $"{prefix}:{setting}";
        if (options.Name.IsEmpty)
            throw new HordeConfigurationException(Key(nameof(HordeOptions.Name)),
                "is not set; a node needs a name, name@host:port (for example orders@10.0.0.5:4369), e.g. from the Horde__Name environment variable.");
        if (string.IsNullOrWhiteSpace(options.Cookie))
            throw new HordeConfigurationException(Key(nameof(HordeOptions.Cookie)),
                "is not set; every node of the cluster needs the same secret cookie, e.g. from the Horde__Cookie environment variable.");
        IPAddress? address = null;
        if (!string.IsNullOrWhiteSpace(options.ListenAddress) && !IPAddress.TryParse(options.ListenAddress, out address))
            throw new HordeConfigurationException(Key(nameof(HordeOptions.ListenAddress)), $"'{options.ListenAddress}' is not an IP address.");
        if (options.ListenPort is < 1 or > 65535)
            throw new HordeConfigurationException(Key(nameof(HordeOptions.ListenPort)), $"{options.ListenPort} is not a port (1-65535).");
        if (options.CallTimeout <= TimeSpan.Zero)
            throw new HordeConfigurationException(Key(nameof(HordeOptions.CallTimeout)), $"must be positive, not {options.CallTimeout}.");
        if (options.ConnectTimeout <= TimeSpan.Zero)
            throw new HordeConfigurationException(Key(nameof(HordeOptions.ConnectTimeout)), $"must be positive, not {options.ConnectTimeout}.");
        return new NodeOptions
        {
            Name = options.Name,
            Cookie = options.Cookie,
            ListenAddress = address,
            ListenPort = options.ListenPort,
            CallTimeout = options.CallTimeout,
            HeartbeatInterval = options.HeartbeatInterval,
            FailureThreshold = options.FailureThreshold,
            ConnectTimeout = options.ConnectTimeout,
            MaxFrameBytes = options.MaxFrameBytes,
            MaxOutboundQueueBytes = options.MaxOutboundQueueBytes,
            MaxInboundConnections = options.MaxInboundConnections,
            Tls = options.Tls is { } tls ? LoadTls(tls, Key(nameof(HordeOptions.Tls))) : null,
        };
    }

    private static NodeTlsOptions? LoadTls(HordeTlsOptions tls, string key)
    {
        if (string.IsNullOrWhiteSpace(tls.CertificatePath))
            return null;
        try
        {
            var certificate = string.IsNullOrWhiteSpace(tls.KeyPath)
                ? X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.CertificatePassword)
                : X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
            return new NodeTlsOptions { Certificate = certificate, RequireClientCertificate = tls.RequireClientCertificate };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new HordeConfigurationException($"{key}:{nameof(HordeTlsOptions.CertificatePath)}", $"cannot load the certificate '{tls.CertificatePath}': {e.Message}", e);
        }
    }

    private static Assembly LoadAssembly(string name, string key)
    {
        try
        {
            return Assembly.Load(name);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException)
        {
            throw new HordeConfigurationException(key, $"cannot load assembly '{name}': {e.Message}", e);
        }
    }
}
