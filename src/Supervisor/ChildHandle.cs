using Horde.Net.Cluster;
using Horde.Net.Registry;

namespace Horde.Net.Supervisor;

/// <summary>
/// A child addressed by id, from any node: <c>supervisor.Child&lt;Order&gt;("order:42").CallAsync&lt;int&gt;(msg)</c>. A call
/// starts the child if the supervisor has never heard of it; while it moves or restarts, a call waits for it (bounded).
/// </summary>
/// <typeparam name="T">The child's type, registered on every node.</typeparam>
public sealed class ChildHandle<T> where T : HordeProcess
{
    private readonly HordeSupervisor _supervisor;

    internal ChildHandle(HordeSupervisor supervisor, HordeChildSpec spec)
    {
        _supervisor = supervisor;
        Spec = spec;
    }

    /// <summary>The spec the child is started with when it does not exist yet.</summary>
    public HordeChildSpec Spec { get; }

    /// <summary>The child's id.</summary>
    public string Id => Spec.Id;

    /// <summary>Its running instance now, or null. Local.</summary>
    public Pid? Pid => _supervisor.WhereIs(Id);

    /// <summary>Starts the child if it does not run (an <see cref="StartChildStatus.AlreadyStarted"/> answer is fine).</summary>
    /// <exception cref="SupervisorException">It could not start (the message says why).</exception>
    public async Task<Pid> StartAsync(TimeSpan? timeout = null) => (await _supervisor.StartChildAsync(Spec, timeout)).EnsureRunning();

    /// <summary>Calls the child and returns its reply, starting it first if it is unknown; waits (bounded) while it moves.</summary>
    /// <exception cref="SupervisorException">It could not start.</exception>
    /// <exception cref="NameNotRegisteredException">It did not run again within the timeout.</exception>
    /// <exception cref="TimeoutException">It did not answer in time.</exception>
    public async Task<TReply> CallAsync<TReply>(object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await EnsureKnownAsync(timeout);
        return await _supervisor.Registry.CallAsync<TReply>(Id, message, timeout ?? _supervisor.Options.CallTimeout, cancellationToken);
    }

    /// <summary>Calls the child and returns its reply as an object (see <see cref="CallAsync{TReply}"/>).</summary>
    public Task<object?> CallAsync(object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CallAsync<object?>(message, timeout, cancellationToken);

    /// <summary>Casts to the child (starting it first if it is unknown); while it moves the cast waits for it in the background.</summary>
    public async Task CastAsync(object message, TimeSpan? timeout = null)
    {
        await EnsureKnownAsync(timeout);
        _supervisor.Registry.Cast(Id, message);
    }

    /// <summary>Terminates the child and forgets it.</summary>
    public Task<bool> TerminateAsync(TimeSpan? timeout = null) => _supervisor.TerminateChildAsync(Id, timeout);

    private async Task EnsureKnownAsync(TimeSpan? timeout)
    {
        if (_supervisor.WhereIs(Id) is null && !_supervisor.Knows(Id))
            await StartAsync(timeout);
    }
}
