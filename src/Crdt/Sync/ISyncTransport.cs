namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Where a replica's outgoing messages go. The host implements it over its transport (or a simulated network);
/// the replica calls it synchronously from within its own methods, so it must not block or re-enter the replica.
/// Delivery may fail, duplicate or reorder: the protocol copes.
/// </summary>
public interface ISyncTransport
{
    /// <summary>Sends <paramref name="message"/> to replica <paramref name="to"/>.</summary>
    void Send(ulong to, SyncMessage message);
}
