using Horde.Net.Cluster;
using MessagePack;

namespace ExCluster;

/// <summary>A customer's order: the items in it. Its state is all it keeps; the cluster keeps it running.</summary>
public sealed class Order : GenServer<int[]>
{
    protected override int[] InitialState() => [];

    protected override ValueTask<object?> HandleCallAsync(object message) => message switch
    {
        AddItems add => Reply(State = [.. State, .. add.Items]),
        GetItems => Reply(State),
        _ => Unhandled(message),
    };
}

/// <summary>Appends items to an order; the reply is the items after the append.</summary>
[MessagePackObject]
public sealed record AddItems([property: Key(0)] int[] Items);

/// <summary>Asks an order for its items.</summary>
[MessagePackObject]
public sealed record GetItems;
