using System.Net;
using System.Net.Sockets;

namespace Horde.Net.Scenarios.Net;

/// <summary>
/// A loopback TCP relay that forwards every connection it accepts to a target port and counts the
/// bytes in each direction. Put between two nodes, it measures what their protocol really puts on
/// the wire (framing, headers, acks, heartbeats) without trusting either library's own counters.
/// </summary>
public sealed class CountingTcpProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private long _bytes;

    /// <summary>Listens on 127.0.0.1:<paramref name="listenPort"/> and relays to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public CountingTcpProxy(int listenPort, int targetPort)
    {
        _targetPort = targetPort;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, listenPort));
        _listener.Listen(16);
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Bytes relayed so far, both directions together.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Zeroes the count (after a warm-up).</summary>
    public void Reset() => Interlocked.Exchange(ref _bytes, 0);

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptAsync(_stop.Token);
                var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await outbound.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _targetPort), _stop.Token);
                // No Nagle on either leg, so the relay adds a hop but never holds small frames back.
                inbound.NoDelay = true;
                outbound.NoDelay = true;
                lock (_pumps)
                {
                    _pumps.Add(PumpAsync(inbound, outbound));
                    _pumps.Add(PumpAsync(outbound, inbound));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopping.
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                    break;
                Interlocked.Add(ref _bytes, n);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // One side went away; closing both ends below tells the other.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
            pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
