namespace Horde.Net.Cluster;

// Links and monitors, as in OTP. The sets live on the process they point at, guarded by one lock that also guards the
// step from alive to dying: a link or monitor added after that step is answered at once with noproc.
public abstract partial class HordeProcess
{
    private readonly object _sync = new();
    private HashSet<Pid>? _links;
    private HashSet<MonitorRef>? _watchers;

    /// <summary>Links this process with <paramref name="pid"/>: when either ends abnormally, the other gets the exit signal.</summary>
    protected void Link(Pid pid) => Node.Link(Self, pid);

    /// <summary>Removes a link; no exit signal will pass along it.</summary>
    protected void Unlink(Pid pid) => Node.Unlink(Self, pid);

    /// <summary>Monitors <paramref name="pid"/>: a <see cref="Down"/> message arrives when it ends (at once if it is not running).</summary>
    protected MonitorRef MonitorProcess(Pid pid) => Node.Monitor(Self, pid);

    /// <summary>Removes a monitor; no <see cref="Down"/> for it arrives after this returns, unless one is already queued.</summary>
    protected void Demonitor(MonitorRef monitor) => Node.Demonitor(monitor);

    internal bool AddLink(Pid pid)
    {
        lock (_sync)
        {
            if (_state != Alive)
                return false;
            (_links ??= []).Add(pid);
            return true;
        }
    }

    internal void RemoveLink(Pid pid)
    {
        lock (_sync)
            _links?.Remove(pid);
    }

    internal bool AddWatcher(MonitorRef monitor)
    {
        lock (_sync)
        {
            if (_state != Alive)
                return false;
            (_watchers ??= []).Add(monitor);
            return true;
        }
    }

    internal void RemoveWatcher(MonitorRef monitor)
    {
        lock (_sync)
            _watchers?.Remove(monitor);
    }

    /// <summary>An exit signal arrives: from a linked process that ended (<paramref name="linked"/>), or sent with <see cref="Pid.Exit"/>.</summary>
    internal void OnExitSignal(Pid? from, ExitReason reason, bool linked)
    {
        if (linked && from is not null)
            RemoveLink(from);
        if (!linked && reason == ExitReason.Kill)
            Die(ExitReason.Killed);
        else if (_trapExits)
            Post(new Envelope(EnvelopeKind.Info, new Exit(from, reason)));
        else if (reason != ExitReason.Normal)
            Die(reason);
    }
}
