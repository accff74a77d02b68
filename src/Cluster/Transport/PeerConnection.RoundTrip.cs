using System.Diagnostics;
using Horde.Net.Cluster.Transport.Protocol;

namespace Horde.Net.Cluster.Transport;

// Heartbeat round trips. Each heartbeat carries the sender's own timestamp and echoes the last one it received from the
// peer with how long it held it, so the first side measures the round trip without the peers sharing a clock and
// without a frame of its own. Peers of builds before this ignore the fields (and send none: nothing is measured).
internal sealed partial class PeerConnection
{
    private long _peerStamp;
    private long _peerStampReceived;

    private Heartbeat NewHeartbeat()
    {
        var now = Stopwatch.GetTimestamp();
        var heartbeat = new Heartbeat { SentAt = now };
        if (Interlocked.Exchange(ref _peerStamp, 0) is var echo and not 0)
        {
            heartbeat.Echo = echo;
            heartbeat.HeldMicros = (long)Stopwatch.GetElapsedTime(Volatile.Read(ref _peerStampReceived), now).TotalMicroseconds;
        }
        return heartbeat;
    }

    private void OnHeartbeat(Heartbeat heartbeat)
    {
        var now = Stopwatch.GetTimestamp();
        if (heartbeat.SentAt != 0)
        {
            Volatile.Write(ref _peerStampReceived, now);
            Volatile.Write(ref _peerStamp, heartbeat.SentAt);
        }
        if (heartbeat.Echo == 0)
            return;
        var roundTrip = Stopwatch.GetElapsedTime(heartbeat.Echo, now).TotalMilliseconds - heartbeat.HeldMicros / 1000.0;
        if (roundTrip >= 0)
            _node.RecordHeartbeatRoundTrip(Peer, roundTrip);
    }
}
