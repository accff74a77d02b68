using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Simulation;

/// <summary>Fault settings of a simulated network.</summary>
/// <param name="LatencyMs">Base one-way delay.</param>
/// <param name="JitterMs">Extra random delay up to this (reorders messages).</param>
/// <param name="DropProbability">Chance a message is lost.</param>
/// <param name="DuplicateProbability">Chance a message is delivered twice.</param>
internal sealed record NetworkFaults(int LatencyMs = 1, int JitterMs = 0, double DropProbability = 0, double DuplicateProbability = 0)
{
    public static NetworkFaults None { get; } = new();
}

/// <summary>
/// A deterministic in-memory network with simulated time: every message is really encoded and decoded
/// (<see cref="SyncMessageSerializer"/>), so the byte counts are the wire's, and faults come from a seeded random.
/// </summary>
internal sealed class SimulatedNetwork(int seed)
{
    private readonly Random _random = new(seed);
    private readonly PriorityQueue<(ulong From, ulong To, byte[] Bytes), (long At, long Seq)> _queue = new();
    private readonly Dictionary<ulong, Func<ulong, SyncMessage, long, bool>> _receivers = [];
    private long _seq;

    public long NowMs { get; set; }

    public NetworkFaults Faults { get; set; } = NetworkFaults.None;

    /// <summary>Links that deliver nothing (a partition), as (from, to).</summary>
    public Func<ulong, ulong, bool>? Blocked { get; set; }

    public Dictionary<ulong, long> BytesSent { get; } = [];

    public Dictionary<ulong, long> MessagesSent { get; } = [];

    /// <summary>Bytes sent per message kind.</summary>
    public Dictionary<string, long> BytesByKind { get; } = [];

    public int Malformed { get; private set; }

    /// <summary>The most keys seen in one message (deltas, repairs): must stay within max_sync_size.</summary>
    public int MaxKeysPerMessage { get; private set; }

    /// <summary>The most keys seen in one message, per message kind (a push into an empty range may carry more).</summary>
    public Dictionary<string, int> MaxKeysByKind { get; } = [];

    /// <summary>The largest message sent, in bytes.</summary>
    public int MaxMessageBytes { get; private set; }

    public int InFlight => _queue.Count;

    public void Attach(ulong id, Func<ulong, SyncMessage, long, bool> receiver) => _receivers[id] = receiver;

    public void Detach(ulong id) => _receivers.Remove(id);

    public ISyncTransport TransportFor(ulong from) => new Endpoint(this, from);

    public void Send(ulong from, ulong to, SyncMessage message)
    {
        var bytes = SyncMessageSerializer.Serialize(message);
        var keys = message switch
        {
            DeltaBatch m => m.Keys.Count,
            RangePush m => m.Keys.Count,
            RangeReply m => m.Keys.WithEntries,
            _ => 0,
        };
        MaxKeysPerMessage = Math.Max(MaxKeysPerMessage, keys);
        MaxMessageBytes = Math.Max(MaxMessageBytes, bytes.Length);
        BytesSent[from] = BytesSent.GetValueOrDefault(from) + bytes.Length;
        MessagesSent[from] = MessagesSent.GetValueOrDefault(from) + 1;
        var kind = message.GetType().Name;
        MaxKeysByKind[kind] = Math.Max(MaxKeysByKind.GetValueOrDefault(kind), keys);
        BytesByKind[kind] = BytesByKind.GetValueOrDefault(kind) + bytes.Length;
        if (Blocked?.Invoke(from, to) == true || _random.NextDouble() < Faults.DropProbability)
        {
            return;
        }

        var copies = _random.NextDouble() < Faults.DuplicateProbability ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var at = NowMs + Faults.LatencyMs + (Faults.JitterMs > 0 ? _random.Next(Faults.JitterMs + 1) : 0);
            _queue.Enqueue((from, to, bytes), (at, _seq++));
        }
    }

    /// <summary>The time of the next delivery, or null.</summary>
    public long? NextDeliveryMs => _queue.TryPeek(out _, out var key) ? key.At : null;

    /// <summary>Delivers every message due at or before <see cref="NowMs"/>.</summary>
    public void DeliverDue()
    {
        while (_queue.TryPeek(out var item, out var key) && key.At <= NowMs)
        {
            _queue.Dequeue();
            if (_receivers.TryGetValue(item.To, out var receive))
            {
                if (!receive(item.From, SyncMessageSerializer.Deserialize(item.Bytes), NowMs))
                {
                    Malformed++;
                }
            }
        }
    }

    private sealed class Endpoint(SimulatedNetwork network, ulong from) : ISyncTransport
    {
        public void Send(ulong to, SyncMessage message) => network.Send(from, to, message);
    }
}
