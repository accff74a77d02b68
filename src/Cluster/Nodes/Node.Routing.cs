namespace Horde.Net.Cluster;

// Where messages, exit signals, links and monitors go. Local targets are handled here; targets on other nodes go to
// the transport, and until one is connected they are treated as OTP treats an unreachable node.
public sealed partial class Node
{
    internal void Route(Pid target, in Envelope envelope)
    {
        if (target.IsOn(this))
        {
            if (!_processes.TryGetValue(target.Serial, out var process) || !process.Post(envelope))
                envelope.Fail(new ProcessExitedException(target, ExitReason.NoProc));
        }
        else if (TryGetConnection(target, out var connection, out var unreachable))
        {
            connection.Send(target, envelope);
        }
        else
        {
            envelope.Fail(new ProcessExitedException(target, unreachable));
        }
    }

    internal void SendExitSignal(Pid target, Pid? from, ExitReason reason, bool linked)
    {
        if (TryGetLocal(target, out var process))
            process.OnExitSignal(from, reason, linked);
        else if (!target.IsOn(this) && TryGetConnection(target, out var connection, out _))
            connection.SendExitSignal(target, from, reason, linked);
    }

    internal void Link(Pid a, Pid b)
    {
        if (a == b)
            return;
        var aAlive = TryGetLocal(a, out var pa) && pa.AddLink(b);
        HordeProcess? pb = null;
        var unreachable = ExitReason.NoProc;
        var bAlive = b.IsOn(this)
            ? TryGetLocal(b, out pb) && pb.AddLink(a)
            : aAlive && TryGetConnection(b, out var connection, out unreachable) && connection.Link(a, b);
        // Linking to a process that is not running sends the linker an exit signal: noproc, or noconnection when its
        // node is not connected (a pid of an earlier run of a connected node names no process: noproc, as in Erlang).
        if (aAlive && !bAlive)
            pa!.OnExitSignal(b, unreachable, linked: true);
        else if (bAlive && !aAlive)
            pb!.OnExitSignal(a, a.IsOn(this) ? ExitReason.NoProc : ExitReason.NoConnection, linked: true);
    }

    internal void Unlink(Pid a, Pid b)
    {
        if (TryGetLocal(a, out var pa))
            pa.RemoveLink(b);
        if (TryGetLocal(b, out var pb))
            pb.RemoveLink(a);
        else if (!b.IsOn(this) && TryGetConnection(b, out var connection, out _))
            connection.Unlink(a, b);
    }

    internal MonitorRef Monitor(Pid watcher, Pid target)
    {
        var monitor = new MonitorRef(watcher, target, Interlocked.Increment(ref _nextMonitor));
        if (target.IsOn(this) || target.Local is not null)
        {
            if (!TryGetLocal(target, out var process) || !process.AddWatcher(monitor))
                Route(watcher, new Envelope(EnvelopeKind.Info, new Down(monitor, target, ExitReason.NoProc)));
        }
        else if (!TryGetConnection(target, out var connection, out var unreachable) || !connection.Monitor(monitor))
        {
            Route(watcher, new Envelope(EnvelopeKind.Info, new Down(monitor, target, unreachable)));
        }
        return monitor;
    }

    internal void Demonitor(MonitorRef monitor)
    {
        if (TryGetLocal(monitor.Target, out var process))
            process.RemoveWatcher(monitor);
        else if (!monitor.Target.IsOn(this) && TryGetConnection(monitor.Target, out var connection, out _))
            connection.Demonitor(monitor);
    }

    internal bool TryGetLocal(long serial, out HordeProcess process) => _processes.TryGetValue(serial, out process!);

    internal bool TryGetLocal(Pid pid, out HordeProcess process)
    {
        if (pid.Local is { } cached)
        {
            process = cached;
            return true;
        }
        if (pid.IsOn(this) && _processes.TryGetValue(pid.Serial, out var found))
        {
            process = found;
            return true;
        }
        process = null!;
        return false;
    }
}
