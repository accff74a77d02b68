namespace Horde.Net.Cluster;

/// <summary>Identifies one monitor, as returned by <see cref="HordeProcess.MonitorProcess(Pid)"/>.</summary>
/// <param name="Watcher">The process that monitors.</param>
/// <param name="Target">The process monitored.</param>
/// <param name="Id">A number unique on the watcher's node incarnation.</param>
public sealed record MonitorRef(Pid Watcher, Pid Target, long Id);

/// <summary>
/// Delivered to <see cref="HordeProcess.HandleInfoAsync(object)"/> when a monitored process ends, or at once with
/// <see cref="ExitReason.NoProc"/> when it was not running, or with <see cref="ExitReason.NoConnection"/> when its node drops.
/// </summary>
/// <param name="Ref">The monitor.</param>
/// <param name="Pid">The process that ended.</param>
/// <param name="Reason">Why it ended.</param>
public sealed record Down(MonitorRef Ref, Pid Pid, ExitReason Reason);

/// <summary>
/// Delivered to <see cref="HordeProcess.HandleInfoAsync(object)"/> of a process that traps exits, when a linked process ends
/// or an exit signal is sent to it.
/// </summary>
/// <param name="From">The process that ended or sent the signal; null for a signal from outside any process.</param>
/// <param name="Reason">Why.</param>
public sealed record Exit(Pid? From, ExitReason Reason);
