using System.Collections.Concurrent;

namespace Horde.Net.Cluster.Transport;

/// <summary>
/// Fault injection on a node's outgoing traffic, for tests: block a peer (a partition: nothing, not even heartbeats,
/// reaches it, so its failure detector fires), delay every batch, or drop envelopes at random.
/// </summary>
public sealed class NetworkFaults
{
    private readonly ConcurrentDictionary<NodeName, bool> _blocked = new();
    private readonly ConcurrentDictionary<NodeName, bool> _stalled = new();

    /// <summary>Delay added before every batch is written.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>
    /// How long this node, dialing, waits after sending its proof before it reads the peer's welcome: the peer already
    /// counts the connection up, this node not yet.
    /// </summary>
    public TimeSpan WelcomeDelay { get; set; }

    /// <summary>The protocol version this node claims in its handshakes, to test a node of an older build.</summary>
    public uint ProtocolVersion { get; set; } = NodeTransport.ProtocolVersion;

    /// <summary>The probability (0 to 1) that a batch is dropped.</summary>
    public double DropRate { get; set; }

    /// <summary>Stops all traffic from this node to <paramref name="peer"/>.</summary>
    public void Block(NodeName peer) => _blocked[peer] = true;

    /// <summary>Lets traffic to <paramref name="peer"/> flow again.</summary>
    public void Unblock(NodeName peer) => _blocked.TryRemove(peer, out _);

    /// <summary>
    /// Stops writing to <paramref name="peer"/> as if it stopped reading: the writer hangs on its next frame until the
    /// connection closes, and what is sent meanwhile queues up.
    /// </summary>
    public void Stall(NodeName peer) => _stalled[peer] = true;

    /// <summary>Removes every fault.</summary>
    public void Heal()
    {
        _blocked.Clear();
        _stalled.Clear();
        Delay = TimeSpan.Zero;
        WelcomeDelay = TimeSpan.Zero;
        ProtocolVersion = NodeTransport.ProtocolVersion;
        DropRate = 0;
    }

    internal bool IsActive => !_blocked.IsEmpty || !_stalled.IsEmpty || Delay > TimeSpan.Zero || DropRate > 0;

    internal bool Stalls(NodeName peer) => _stalled.ContainsKey(peer);

    internal bool Drops(NodeName peer) => _blocked.ContainsKey(peer) || (DropRate > 0 && Random.Shared.NextDouble() < DropRate);
}
