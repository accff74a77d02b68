using Horde.Net.Cluster;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Registry;

// Via-names: start a process under a name, and send to or call it by name from any node. A name not registered right
// now (its process is moving) is waited for, bounded by the call's timeout; a call whose process exits under it is
// tried once more on the next holder, within the same timeout.
public sealed partial class HordeRegistry<TValue>
{
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Starts a process on this node and registers it under <paramref name="name"/>. If a live process holds the name
    /// already, the new one is stopped and the result names the holder.
    /// </summary>
    public async Task<RegisterResult> StartAsync(string name, Func<HordeProcess> factory, TValue? value = default, StartOptions? start = null, long epoch = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (Lookup(name) is { } holder && (epoch <= holder.Epoch))
            return RegisterResult.AlreadyRegistered(holder.Pid);
        var pid = await _node.StartAsync(factory, start);
        var result = await RegisterAsync(name, pid, value, epoch);
        if (!result.IsRegistered)
            await _node.StopProcessAsync(pid, ExitReason.Normal);
        return result;
    }

    /// <summary>Sends <paramref name="message"/> to the process registered under <paramref name="name"/>, waiting for one (bounded).</summary>
    /// <exception cref="NameNotRegisteredException">No live process held the name within <paramref name="timeout"/>.</exception>
    public async Task SendAsync(string name, object message, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var wait = timeout ?? Options.CallTimeout;
        (await ResolveAsync(name, exclude: null, DateTime.UtcNow + wait, wait)).Send(message);
    }

    /// <summary>
    /// Casts <paramref name="message"/> to the process registered under <paramref name="name"/>. Never blocks, never
    /// throws: if the name is not registered now it waits for it in the background (up to <see cref="RegistryOptions.CallTimeout"/>), then drops the message.
    /// </summary>
    public void Cast(string name, object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Lookup(name) is { } entry)
        {
            entry.Pid.Cast(message);
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                (await ResolveAsync(name, exclude: null, DateTime.UtcNow + Options.CallTimeout, Options.CallTimeout)).Cast(message);
            }
            catch (NameNotRegisteredException)
            {
                _logger.LogDebug("Registry {Registry}: a cast to {Name} was dropped: no process registered it in time", Name, name);
            }
        });
    }

    /// <summary>
    /// Calls the process registered under <paramref name="name"/> and returns its reply. A name not registered now is
    /// waited for; if the process exits during the call (it moved), the call is made once more to the next holder.
    /// Everything happens within <paramref name="timeout"/> (<see cref="RegistryOptions.CallTimeout"/> by default).
    /// </summary>
    /// <exception cref="NameNotRegisteredException">No live process held the name in time.</exception>
    /// <exception cref="TimeoutException">The process did not reply in time.</exception>
    /// <exception cref="ProcessExitedException">The next holder exited during the call too.</exception>
    public async Task<TReply> CallAsync<TReply>(string name, object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var wait = timeout ?? Options.CallTimeout;
        var deadline = DateTime.UtcNow + wait;
        var pid = await ResolveAsync(name, exclude: null, deadline, wait, cancellationToken);
        try
        {
            return await pid.CallAsync<TReply>(message, Remaining(deadline), cancellationToken);
        }
        catch (ProcessExitedException)
        {
            var next = await ResolveAsync(name, exclude: pid, deadline, wait, cancellationToken);
            return await next.CallAsync<TReply>(message, Remaining(deadline), cancellationToken);
        }
    }

    /// <summary>
    /// The live holder of <paramref name="name"/>, waiting up to <paramref name="timeout"/> for one to register (a process
    /// being moved re-registers within milliseconds); null if none did. Local: no network call.
    /// </summary>
    public async Task<Pid?> WhereIsAsync(string name, TimeSpan timeout)
    {
        try
        {
            return await ResolveAsync(name, exclude: null, DateTime.UtcNow + timeout, timeout);
        }
        catch (NameNotRegisteredException)
        {
            return null;
        }
    }

    /// <summary>The live holder of <paramref name="name"/> other than <paramref name="exclude"/>, waiting for one until <paramref name="deadline"/>.</summary>
    private async Task<Pid> ResolveAsync(string name, Pid? exclude, DateTime deadline, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        while (true)
        {
            if (Lookup(name) is { } entry && entry.Pid != exclude)
                return entry.Pid;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new NameNotRegisteredException(name, wait);
            try
            {
                // In slices: a holder can become reachable without a change of the map (its node reconnects).
                await _names.WaitForAsync(name, (value, exists) => exists && value!.Pid != exclude && _node.IsReachable(value.Pid),
                    left < WaitSlice ? left : WaitSlice, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
    }
}
