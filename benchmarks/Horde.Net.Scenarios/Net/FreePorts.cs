using System.Net;
using System.Net.Sockets;

namespace Horde.Net.Scenarios.Net;

/// <summary>Picks free loopback ports by letting the OS assign them.</summary>
public static class FreePorts
{
    /// <summary>Returns <paramref name="count"/> distinct ports free at the time of the call.</summary>
    public static int[] Take(int count)
    {
        // Hold every socket until all are chosen, so the OS cannot hand out the same port twice.
        var sockets = new Socket[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (var s in sockets)
                s?.Dispose();
        }
    }
}
