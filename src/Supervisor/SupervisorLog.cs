using Horde.Net.Cluster;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Supervisor;

/// <summary>
/// The supervisor's log events, 5000–5099: handoffs (a drain's and each child's), quorum, restarts and recovery of a gone
/// node's children. Stable ids: alert on 5002 (children left to crash recovery) and 5010 (quorum lost).
/// </summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(5000, LogLevel.Information, "Supervisor {Supervisor} on {Node}: handing off {Count} children before the node leaves")]
    public static partial void DrainHandoffStarted(ILogger logger, string supervisor, NodeName node, int count);

    [LoggerMessage(5001, LogLevel.Information, "Supervisor {Supervisor} on {Node}: handed off {Count} children in {Elapsed} ms")]
    public static partial void DrainHandoffFinished(ILogger logger, string supervisor, NodeName node, int count, long elapsed);

    [LoggerMessage(5002, LogLevel.Warning, "Supervisor {Supervisor} on {Node}: {Left} of {Count} children were not handed off before the drain deadline; they fall back to crash recovery")]
    public static partial void DrainHandoffIncomplete(ILogger logger, string supervisor, NodeName node, int left, int count);

    [LoggerMessage(5003, LogLevel.Debug, "Supervisor {Supervisor}: handing off {Id} to {Successor}")]
    public static partial void HandoffStarted(ILogger logger, string supervisor, string id, string successor);

    [LoggerMessage(5004, LogLevel.Debug, "Supervisor {Supervisor}: handed off {Id} to {Successor} ({Pid}) in {Elapsed:0.0} ms")]
    public static partial void HandoffFinished(ILogger logger, string supervisor, string id, NodeName successor, Pid pid, double elapsed);

    [LoggerMessage(5005, LogLevel.Warning, "Supervisor {Supervisor}: handoff of {Id} to {Successor} failed ({Error}); {Outcome}")]
    public static partial void HandoffFailed(ILogger logger, Exception? exception, string supervisor, string id, string successor, string? error, string outcome);

    [LoggerMessage(5006, LogLevel.Warning, "Supervisor {Supervisor}: child {Id} could not be suspended for handoff: {Reason}")]
    public static partial void SuspendFailed(ILogger logger, string supervisor, string id, string reason);

    [LoggerMessage(5010, LogLevel.Warning, "Supervisor {Supervisor} on {Node}: quorum lost ({Members}); stopping {Count} local children")]
    public static partial void QuorumLost(ILogger logger, string supervisor, NodeName node, string members, int count);

    [LoggerMessage(5011, LogLevel.Information, "Supervisor {Supervisor} on {Node}: quorum regained")]
    public static partial void QuorumRegained(ILogger logger, string supervisor, NodeName node);

    [LoggerMessage(5020, LogLevel.Information, "Supervisor {Supervisor}: child {Id} exited ({Reason}); restarting it")]
    public static partial void Restarting(ILogger logger, string supervisor, string id, ExitReason reason);

    [LoggerMessage(5021, LogLevel.Warning, "Supervisor {Supervisor}: restarting {Id} failed: {Error}")]
    public static partial void RestartFailed(ILogger logger, string supervisor, string id, string? error);

    [LoggerMessage(5024, LogLevel.Error, "Supervisor {Supervisor}: child {Id} exited ({Reason}) more than {MaxRestarts} times within {PeriodMs} ms; it is given up, not restarted")]
    public static partial void GaveUp(ILogger logger, string supervisor, string id, ExitReason reason, int maxRestarts, double periodMs);

    [LoggerMessage(5022, LogLevel.Information, "Supervisor {Supervisor} on {Node}: restarted {Id} of gone {Owner}")]
    public static partial void Recovered(ILogger logger, string supervisor, NodeName node, string id, NodeName owner);

    [LoggerMessage(5023, LogLevel.Warning, "Supervisor {Supervisor} on {Node}: restarting {Id} of gone {Owner} failed: {Error}")]
    public static partial void RecoveryFailed(ILogger logger, string supervisor, NodeName node, string id, NodeName owner, string? error);

    [LoggerMessage(5030, LogLevel.Warning, "Supervisor {Supervisor} on {Node}: a {Pass} pass failed")]
    public static partial void PassFailed(ILogger logger, Exception error, string supervisor, NodeName node, string pass);
}
