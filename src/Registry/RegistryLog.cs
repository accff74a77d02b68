using Horde.Net.Cluster;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Registry;

/// <summary>The registry's log events, 3000–3099: name conflicts, a gone node's names removed, failing handlers. Stable ids.</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(3000, LogLevel.Information, "Registry {Registry}: {Loser} lost {Name} to {Winner}")]
    public static partial void NameConflict(ILogger logger, string registry, Pid loser, string name, Pid winner);

    [LoggerMessage(3001, LogLevel.Information, "Registry {Registry} on {Self}: removing the names of {Count} processes of gone node {Node}")]
    public static partial void GoneNodeNamesRemoved(ILogger logger, string registry, NodeName self, int count, NodeName node);

    [LoggerMessage(3002, LogLevel.Error, "Registry {Registry}: handling the change of {Name} failed")]
    public static partial void ChangeFailed(ILogger logger, Exception error, string registry, string name);

    [LoggerMessage(3003, LogLevel.Error, "Registry {Registry}: a listener threw on {Event}")]
    public static partial void ListenerThrew(ILogger logger, Exception error, string registry, object @event);

    [LoggerMessage(3004, LogLevel.Warning, "Registry {Registry}: removing {Name} failed")]
    public static partial void RemoveFailed(ILogger logger, Exception? error, string registry, string name);
}
