using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Scenarios.Supervisor;

/// <summary>The scenario's child: 1 KiB of state, filled from a seed and checked by its checksum.</summary>
public sealed class Slot : GenServer<byte[]>
{
    /// <summary>The state's size.</summary>
    public const int StateBytes = 1024;

    /// <summary>The checksum of the state <see cref="Fill"/> with <paramref name="seed"/> makes.</summary>
    public static long Expected(int seed) => Checksum(Filled(seed));

    /// <inheritdoc />
    protected override byte[] InitialState() => new byte[StateBytes];

    /// <inheritdoc />
    protected override ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case Fill fill:
                State = Filled(fill.Seed);
                return Reply(Checksum(State));
            case Check:
                return Reply(Checksum(State));
            default:
                return Unhandled(message);
        }
    }

    private static byte[] Filled(int seed)
    {
        var state = new byte[StateBytes];
        new Random(seed).NextBytes(state);
        return state;
    }

    private static long Checksum(byte[] state)
    {
        var sum = 17L;
        foreach (var b in state)
            sum = (sum * 31) + b;
        return sum;
    }
}

/// <summary>Sets a slot's state from a seed; the reply is its checksum.</summary>
[MessagePackObject]
public sealed record Fill([property: Key(0)] int Seed);

/// <summary>Asks a slot for its state's checksum.</summary>
[MessagePackObject]
public sealed record Check;
