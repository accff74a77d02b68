namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Runs the sync protocol once between two throwaway replicas in memory, in the background, when the first
/// replica of a process starts. The first write after replicas are introduced otherwise pays for MessagePack
/// building the formatters of the delta messages and the JIT compiling the delta path (a quarter of a second on
/// a loaded machine; later writes take milliseconds). Replicas of reference types share the compiled code of
/// the <c>string</c> instantiation used here.
/// </summary>
internal static class WarmUp
{
    private static readonly Lazy<Task> Once = new(() => Task.Run(Run));

    public static void Start() => _ = Once.Value;

    private static void Run()
    {
        var wire = new Queue<(ulong To, ulong From, byte[] Bytes)>();
        var a = new ReplicaCore<string, string>(new ReplicaOptions(), new Loopback(wire, 1), newReplicaId: 1);
        var b = new ReplicaCore<string, string>(new ReplicaOptions(), new Loopback(wire, 2), newReplicaId: 2);
        a.SetNeighbours([2], 0);
        b.SetNeighbours([1], 0);
        a.Put("warm-up", "value", 1);
        a.Flush(0);
        b.OnTick(0); // an anti-entropy round with a difference: the walk and the repair messages too
        for (var i = 0; i < 1_000 && wire.TryDequeue(out var message); i++)
        {
            var to = message.To == 1 ? a : b;
            to.OnMessage(message.From, SyncMessageSerializer.Deserialize(message.Bytes), 1, 1);
        }

        a.Delete("warm-up");
        a.Flush(2);
        while (wire.TryDequeue(out var message))
        {
            (message.To == 1 ? a : b).OnMessage(message.From, SyncMessageSerializer.Deserialize(message.Bytes), 2, 2);
        }
    }

    private sealed class Loopback(Queue<(ulong To, ulong From, byte[] Bytes)> wire, ulong self) : ISyncTransport
    {
        public void Send(ulong to, SyncMessage message) => wire.Enqueue((to, self, SyncMessageSerializer.Serialize(message)));
    }
}
