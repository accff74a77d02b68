using System.Threading.Channels;

namespace Horde.Net.TestKit;

/// <summary>A process that hands every message it gets to the test, which awaits them in order.</summary>
public sealed class Probe : HordeProcess
{
    private readonly bool _trapExits;
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    private Probe(bool trapExits) => _trapExits = trapExits;

    public static async Task<Probe> StartAsync(Node node, bool trapExits = false, Pid? parent = null)
    {
        Probe? probe = null;
        await node.StartAsync(() => probe = new Probe(trapExits), new StartOptions { Parent = parent });
        return probe!;
    }

    /// <summary>A probe subscribed to <paramref name="node"/>'s node events (NodeUp, NodeLeaving, NodeDown).</summary>
    public static async Task<Probe> WatchNodesAsync(Node node)
    {
        var probe = await StartAsync(node);
        node.MonitorNodes(probe.Self);
        return probe;
    }

    public MonitorRef Watch(Pid pid) => MonitorProcess(pid);

    public void Unwatch(MonitorRef monitor) => Demonitor(monitor);

    public void LinkTo(Pid pid) => Link(pid);

    public void UnlinkFrom(Pid pid) => Unlink(pid);

    public async Task<T> ExpectAsync<T>(TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(5);
        object message;
        try
        {
            message = await _received.Reader.ReadAsync().AsTask().WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Probe {Self} got no {typeof(T).Name} within {wait.TotalMilliseconds:0} ms.");
        }
        return message is T expected
            ? expected
            : throw new Xunit.Sdk.XunitException($"Probe {Self} expected a {typeof(T).Name} but got {message}.");
    }

    /// <summary>Asserts that nothing arrives for a while: a negative check can only wait.</summary>
    public async Task ExpectNothingAsync(TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromMilliseconds(200));
        try
        {
            var message = await _received.Reader.ReadAsync(cts.Token);
            throw new Xunit.Sdk.XunitException($"Probe {Self} expected nothing but got {message}.");
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected override ValueTask InitAsync()
    {
        TrapExits = _trapExits;
        return default;
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        _received.Writer.TryWrite(message);
        return default;
    }

    protected override ValueTask HandleCastAsync(object message) => HandleInfoAsync(message);
}
