using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

/// <summary>
/// Runs a node's event handlers one at a time, in the order the events happened, on a loop of its own: a slow or
/// throwing handler can neither stall the transport (which admits and closes connections) nor stop later events.
/// </summary>
internal sealed class NodeEventQueue(ILogger logger, NodeName node)
{
    private readonly Channel<Action> _pending = Channel.CreateUnbounded<Action>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly Lock _start = new();
    private Task? _loop;

    /// <summary>
    /// Queues one event for the handlers subscribed now; they run after those of every event queued before it, each
    /// guarded on its own, so one that throws is logged and the others still run.
    /// </summary>
    public void Post<T>(string eventName, object sender, EventHandler<T>? handlers, T args)
    {
        if (handlers is null)
            return;
        var raise = () =>
        {
            foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<T>>())
            {
                try
                {
                    handler(sender, args);
                }
                catch (Exception e)
                {
                    NodeLog.HandlerThrew(logger, e, eventName, node, args);
                }
            }
        };
        if (!_pending.Writer.TryWrite(raise))
            return; // the node has stopped: nobody is left to tell
        lock (_start)
            _loop ??= Task.Run(RunAsync);
    }

    /// <summary>Lets the handlers of the events queued so far run, then stops; waits at most <paramref name="timeout"/>.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _pending.Writer.TryComplete();
        Task? loop;
        lock (_start)
            loop = _loop;
        if (loop is null)
            return;
        try
        {
            await loop.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            NodeLog.HandlersStillRunning(logger, node, timeout.TotalMilliseconds);
        }
    }

    private async Task RunAsync()
    {
        await foreach (var raise in _pending.Reader.ReadAllAsync())
            raise();
    }
}
