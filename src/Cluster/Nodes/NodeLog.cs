using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

/// <summary>The node's own log events, 1100–1199: its drain and stop, its event handlers, its processes' crashes. Stable ids.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(1100, LogLevel.Information, "Node {Node} is leaving: it drains for up to {Timeout:0} ms, then stops.")]
    public static partial void Draining(ILogger logger, NodeName node, double timeout);

    [LoggerMessage(1101, LogLevel.Warning, "Node {Node} passed its drain deadline ({Timeout:0} ms) or was cancelled; stopping its processes now.")]
    public static partial void DrainDeadlinePassed(ILogger logger, NodeName node, double timeout);

    [LoggerMessage(1102, LogLevel.Information, "Node {Node} stopped in {Elapsed} ms.")]
    public static partial void Stopped(ILogger logger, NodeName node, long elapsed);

    [LoggerMessage(1103, LogLevel.Warning, "Node {Node} skipped a {Phase}: the drain deadline had passed.")]
    public static partial void PhaseSkipped(ILogger logger, NodeName node, string phase);

    [LoggerMessage(1104, LogLevel.Warning, "Node {Node}: a {Phase} did not finish before the drain deadline.")]
    public static partial void PhaseOverran(ILogger logger, NodeName node, string phase);

    [LoggerMessage(1105, LogLevel.Error, "Node {Node}: a {Phase} failed; the drain goes on.")]
    public static partial void PhaseFailed(ILogger logger, Exception error, NodeName node, string phase);

    [LoggerMessage(1106, LogLevel.Error, "A {Event} handler of node {Node} threw on {Args}; the node goes on.")]
    public static partial void HandlerThrew(ILogger logger, Exception error, string @event, NodeName node, object? args);

    [LoggerMessage(1107, LogLevel.Warning, "Node {Node}: event handlers still ran {Timeout:0} ms after the node stopped; not waiting for them.")]
    public static partial void HandlersStillRunning(ILogger logger, NodeName node, double timeout);

    [LoggerMessage(1108, LogLevel.Error, "Process {Pid} ({Type}) crashed: {Reason}")]
    public static partial void ProcessCrashed(ILogger logger, Exception? error, Pid pid, string type, ExitReason reason);

    [LoggerMessage(1109, LogLevel.Debug, "Process {Pid} ({Type}) exited: {Reason}")]
    public static partial void ProcessExited(ILogger logger, Pid pid, string type, ExitReason reason);
}
