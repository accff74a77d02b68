using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster.Supervision;

/// <summary>
/// An OTP supervisor with a fixed, ordered list of children: starts them in order, restarts them by its
/// <see cref="RestartStrategy"/> and their <see cref="Restart"/> type, gives up when restarts exceed the intensity, and
/// stops them in reverse order, each within its shutdown timeout.
/// </summary>
/// <example>
/// <code>
/// var sup = await node.StartAsync(() => new Supervisor(
///     [new ChildSpec("cache", () => new Cache()), new ChildSpec("api", () => new Api())],
///     new SupervisorOptions { Strategy = RestartStrategy.RestForOne }));
/// </code>
/// </example>
public sealed class Supervisor : HordeProcess
{
    private readonly SupervisorOptions _options;
    private readonly List<Child> _children;
    private readonly RestartIntensity _intensity;

    /// <summary>Creates a supervisor of <paramref name="children"/>, started in the order given.</summary>
    /// <exception cref="ArgumentException">Two children share an id.</exception>
    public Supervisor(IEnumerable<ChildSpec> children, SupervisorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(children);
        _options = options ?? new SupervisorOptions();
        _options.Validate();
        _children = [.. children.Select(spec => new Child(spec))];
        if (_children.GroupBy(c => c.Spec.Id).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new ArgumentException($"Two children have the id '{duplicate.Key}'.", nameof(children));
        _intensity = new RestartIntensity(_options);
    }

    /// <summary>The children with their pids, in start order.</summary>
    public static ValueTask<IReadOnlyList<ChildInfo>> WhichChildrenAsync(Pid supervisor, TimeSpan? timeout = null) =>
        supervisor.CallAsync<IReadOnlyList<ChildInfo>>(new WhichChildren(), timeout);

    /// <summary>How many children, running, workers and supervisors.</summary>
    public static ValueTask<ChildCounts> CountChildrenAsync(Pid supervisor, TimeSpan? timeout = null) =>
        supervisor.CallAsync<ChildCounts>(new CountChildren(), timeout);

    /// <summary>Adds a child at the end and starts it.</summary>
    /// <exception cref="ArgumentException">A child with that id exists.</exception>
    /// <exception cref="ProcessStartException">The child's init failed; it is not added.</exception>
    public static ValueTask<Pid> StartChildAsync(Pid supervisor, ChildSpec spec, TimeSpan? timeout = null) =>
        supervisor.CallAsync<Pid>(new StartChild(spec), timeout);

    /// <summary>Stops a child and keeps its spec, so it can be restarted or deleted.</summary>
    /// <exception cref="KeyNotFoundException">No child has that id.</exception>
    public static async ValueTask TerminateChildAsync(Pid supervisor, string id, TimeSpan? timeout = null) =>
        await supervisor.CallAsync<object?>(new TerminateChild(id), timeout);

    /// <summary>Starts a stopped child again.</summary>
    /// <exception cref="KeyNotFoundException">No child has that id.</exception>
    /// <exception cref="InvalidOperationException">The child is running.</exception>
    public static ValueTask<Pid> RestartChildAsync(Pid supervisor, string id, TimeSpan? timeout = null) =>
        supervisor.CallAsync<Pid>(new RestartChild(id), timeout);

    /// <summary>Forgets a stopped child.</summary>
    /// <exception cref="KeyNotFoundException">No child has that id.</exception>
    /// <exception cref="InvalidOperationException">The child is running.</exception>
    public static async ValueTask DeleteChildAsync(Pid supervisor, string id, TimeSpan? timeout = null) =>
        await supervisor.CallAsync<object?>(new DeleteChild(id), timeout);

    /// <inheritdoc />
    protected override async ValueTask InitAsync()
    {
        TrapExits = true;
        foreach (var child in _children)
        {
            try
            {
                await StartAsync(child);
            }
            catch (ProcessStartException e)
            {
                await StopAllAsync();
                throw new InvalidOperationException($"Child '{child.Spec.Id}' failed to start: {e.Reason}", e);
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case WhichChildren:
                return _children.Select(c => new ChildInfo(c.Spec.Id, c.Pid, c.Spec.Type, c.Spec.Restart)).ToList();
            case CountChildren:
                return Count(_children.Select(c => (c.Spec, c.Pid is not null)));
            case StartChild(var spec):
                if (_children.Any(c => c.Spec.Id == spec.Id))
                    return await ReplyError(new ArgumentException($"A child with the id '{spec.Id}' exists."));
                var added = new Child(spec);
                try
                {
                    await StartAsync(added);
                }
                catch (ProcessStartException e)
                {
                    return await ReplyError(e);
                }
                _children.Add(added);
                return added.Pid;
            case TerminateChild(var id):
                if (Find(id) is not { } stopping)
                    return await ReplyError(new KeyNotFoundException($"No child has the id '{id}'."));
                await StopAsync(stopping);
                return null;
            case RestartChild(var id):
                if (Find(id) is not { } restarting)
                    return await ReplyError(new KeyNotFoundException($"No child has the id '{id}'."));
                if (restarting.Pid is not null)
                    return await ReplyError(new InvalidOperationException($"Child '{id}' is running."));
                try
                {
                    await StartAsync(restarting);
                }
                catch (ProcessStartException e)
                {
                    return await ReplyError(e);
                }
                return restarting.Pid;
            case DeleteChild(var id):
                if (Find(id) is not { } deleting)
                    return await ReplyError(new KeyNotFoundException($"No child has the id '{id}'."));
                if (deleting.Pid is not null)
                    return await ReplyError(new InvalidOperationException($"Child '{id}' is running."));
                _children.Remove(deleting);
                return null;
            default:
                return await Unhandled(message);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask HandleInfoAsync(object message)
    {
        if (message is Exit { From: { } from } exit && _children.Find(c => c.Pid == from) is { } child)
            await OnChildExitAsync(child, exit.Reason);
        // Exits of children stopped on purpose (already unlinked) or of failed starts are expected: ignore them.
    }

    /// <inheritdoc />
    protected override ValueTask TerminateAsync(ExitReason reason) => StopAllAsync();

    internal static ChildCounts Count(IEnumerable<(ChildSpec Spec, bool Running)> children)
    {
        int specs = 0, active = 0, supervisors = 0;
        foreach (var (spec, running) in children)
        {
            specs++;
            if (running)
                active++;
            if (spec.Type == ChildType.Supervisor)
                supervisors++;
        }
        return new ChildCounts(specs, active, supervisors, specs - supervisors);
    }

    internal static bool ShouldRestart(Restart restart, ExitReason reason) => restart switch
    {
        Restart.Permanent => true,
        Restart.Transient => !reason.IsNormal,
        _ => false,
    };

    private async ValueTask OnChildExitAsync(Child child, ExitReason reason)
    {
        child.Pid = null;
        if (child.Spec.Restart == Restart.Temporary)
            _children.Remove(child);
        if (!ShouldRestart(child.Spec.Restart, reason))
            return;

        // One restart of the group counts once against the intensity, as in OTP; every failed start counts again.
        if (!TryCountRestart(child))
            return;
        var index = _children.IndexOf(child);
        var affected = _options.Strategy switch
        {
            RestartStrategy.OneForAll => _children.ToList(),
            RestartStrategy.RestForOne => _children.Skip(index).ToList(),
            _ => [child],
        };
        for (var i = affected.Count - 1; i >= 0; i--)
            await StopAsync(affected[i]);
        _children.RemoveAll(c => c != child && affected.Contains(c) && c.Spec.Restart == Restart.Temporary);

        foreach (var restarting in affected.Where(_children.Contains))
        {
            while (true)
            {
                try
                {
                    await StartAsync(restarting);
                    break;
                }
                catch (ProcessStartException e)
                {
                    Logger.LogError("Supervisor {Pid} could not restart '{Child}': {Reason}", Self, restarting.Spec.Id, e.Reason);
                    if (!TryCountRestart(restarting))
                        return;
                }
            }
        }
    }

    private bool TryCountRestart(Child child)
    {
        if (_intensity.TryRecord())
            return true;
        Logger.LogError(
            "Supervisor {Pid} reached its restart intensity ({MaxRestarts} in {Period}) restarting '{Child}'; shutting down.",
            Self, _options.MaxRestarts, _options.Period, child.Spec.Id);
        Stop(ExitReason.Shutdown);
        return false;
    }

    private async ValueTask StartAsync(Child child) =>
        child.Pid = await Node.StartAsync(child.Spec.Start, new StartOptions { Parent = Self });

    private async ValueTask StopAsync(Child child)
    {
        if (child.Pid is not { } pid)
            return;
        child.Pid = null;
        await Node.ShutdownChildAsync(pid, Self, child.Spec.Shutdown);
    }

    private async ValueTask StopAllAsync()
    {
        for (var i = _children.Count - 1; i >= 0; i--)
            await StopAsync(_children[i]);
    }

    private Child? Find(string id) => _children.Find(c => c.Spec.Id == id);

    private sealed class Child(ChildSpec spec)
    {
        public ChildSpec Spec { get; } = spec;

        public Pid? Pid { get; set; }
    }
}
