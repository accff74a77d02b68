using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Supervision;

/// <summary>
/// A supervisor that starts with no children and starts them on demand, as Elixir's <c>DynamicSupervisor</c>:
/// one for one, with restart intensity and an optional maximum number of children. On shutdown it stops all children
/// at once, each within its shutdown timeout.
/// </summary>
public sealed class DynamicSupervisor : HordeProcess
{
    private readonly SupervisorOptions _options;
    private readonly Dictionary<Pid, ChildSpec> _children = [];
    private readonly RestartIntensity _intensity;

    /// <summary>Creates a dynamic supervisor; <see cref="SupervisorOptions.Strategy"/> is ignored (always one for one).</summary>
    public DynamicSupervisor(SupervisorOptions? options = null)
    {
        _options = options ?? new SupervisorOptions();
        _options.Validate();
        _intensity = new RestartIntensity(_options);
    }

    /// <summary>Starts a child under the supervisor.</summary>
    /// <exception cref="ProcessStartException">The child's init failed.</exception>
    /// <exception cref="MaxChildrenReachedException">The supervisor runs its maximum of children.</exception>
    public static ValueTask<Pid> StartChildAsync(Pid supervisor, ChildSpec spec, TimeSpan? timeout = null) =>
        supervisor.CallAsync<Pid>(new StartChild(spec), timeout);

    /// <summary>Stops a child (within its shutdown timeout) and forgets it.</summary>
    /// <exception cref="KeyNotFoundException">The pid is not a child of this supervisor.</exception>
    public static async ValueTask TerminateChildAsync(Pid supervisor, Pid child, TimeSpan? timeout = null) =>
        await supervisor.CallAsync<object?>(new TerminateChildPid(child), timeout);

    /// <summary>The running children.</summary>
    public static ValueTask<IReadOnlyList<ChildInfo>> WhichChildrenAsync(Pid supervisor, TimeSpan? timeout = null) =>
        supervisor.CallAsync<IReadOnlyList<ChildInfo>>(new WhichChildren(), timeout);

    /// <summary>How many children, running, workers and supervisors.</summary>
    public static ValueTask<ChildCounts> CountChildrenAsync(Pid supervisor, TimeSpan? timeout = null) =>
        supervisor.CallAsync<ChildCounts>(new CountChildren(), timeout);

    /// <inheritdoc />
    protected override ValueTask InitAsync()
    {
        TrapExits = true;
        return default;
    }

    /// <inheritdoc />
    protected override async ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case StartChild(var spec):
                if (_children.Count >= _options.MaxChildren)
                    return await ReplyError(new MaxChildrenReachedException(_options.MaxChildren));
                try
                {
                    return await StartAsync(spec);
                }
                catch (ProcessStartException e)
                {
                    return await ReplyError(e);
                }
            case TerminateChildPid(var pid):
                if (!_children.Remove(pid, out var stopping))
                    return await ReplyError(new KeyNotFoundException($"{pid} is not a child of this supervisor."));
                await Node.ShutdownChildAsync(pid, Self, stopping.Shutdown);
                return null;
            case WhichChildren:
                return _children.Select(c => new ChildInfo(c.Value.Id, c.Key, c.Value.Type, c.Value.Restart)).ToList();
            case CountChildren:
                return Supervisor.Count(_children.Values.Select(spec => (spec, true)));
            default:
                return await Unhandled(message);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask HandleInfoAsync(object message)
    {
        if (message is not Exit { From: { } from } exit || !_children.Remove(from, out var spec))
            return;
        if (!Supervisor.ShouldRestart(spec.Restart, exit.Reason))
            return;
        while (true)
        {
            if (!_intensity.TryRecord())
            {
                Logger.LogError("Dynamic supervisor {Pid} reached its restart intensity ({MaxRestarts} in {Period}); shutting down.",
                    Self, _options.MaxRestarts, _options.Period);
                Stop(ExitReason.Shutdown);
                return;
            }
            try
            {
                await StartAsync(spec);
                return;
            }
            catch (ProcessStartException e)
            {
                Logger.LogError("Dynamic supervisor {Pid} could not restart '{Child}': {Reason}", Self, spec.Id, e.Reason);
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask TerminateAsync(ExitReason reason)
    {
        var stopping = _children.Select(c => Node.ShutdownChildAsync(c.Key, Self, c.Value.Shutdown)).ToList();
        _children.Clear();
        await Task.WhenAll(stopping);
    }

    private async ValueTask<Pid> StartAsync(ChildSpec spec)
    {
        var pid = await Node.StartAsync(spec.Start, new StartOptions { Parent = Self });
        _children[pid] = spec;
        return pid;
    }
}
