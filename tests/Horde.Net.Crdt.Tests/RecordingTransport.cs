using Horde.Net.Crdt.Sync;

namespace Horde.Net.Crdt.Tests;

/// <summary>A transport that only records what a replica sends.</summary>
internal sealed class RecordingTransport : ISyncTransport
{
    public List<(ulong To, SyncMessage Message)> Sent { get; } = [];

    public void Send(ulong to, SyncMessage message) => Sent.Add((to, message));
}
