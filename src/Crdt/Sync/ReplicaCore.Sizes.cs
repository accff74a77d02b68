using MessagePack;

namespace Horde.Net.Crdt.Sync;

/// <summary>
/// Byte bounds of sync messages: every message carries at most as many keys as fit in
/// <see cref="ReplicaOptions.MaxSyncBytes"/> at the size of the largest key seen, and a write too large for any
/// message is refused before it changes the map (an oversized push would be refused by the transport and sent again
/// forever).
/// </summary>
public sealed partial class ReplicaCore<TKey, TValue>
{
    /// <summary>Keys per message: <see cref="ReplicaOptions.MaxSyncSize"/>, fewer when keys are large.</summary>
    internal int KeyBudget => BudgetOf(_options.MaxSyncSize);

    /// <summary>Keys per repair push into ranges the peer holds nothing in: <see cref="ReplicaOptions.MaxBulkSyncSize"/>, fewer when keys are large.</summary>
    internal int BulkKeyBudget => BudgetOf(Math.Max(_options.MaxSyncSize, _options.MaxBulkSyncSize));

    private int BudgetOf(int maxKeys) => (int)Math.Clamp(_options.MaxSyncBytes / Math.Max(_codec.MaxKeyBytes, 1), 1, maxKeys);

    private void CheckSize(TKey key, TValue value) => EncodeChecked(key, value);

    /// <summary>Encodes a key and its value, refusing a pair that would not fit in a replica message.</summary>
    private (byte[] Key, byte[] Value) EncodeChecked(TKey key, TValue value)
    {
        var (keyBytes, valueBytes) = (MessagePackSerializer.Serialize(key, _options.SerializerOptions), MessagePackSerializer.Serialize(value, _options.SerializerOptions));
        var size = EntryCodec<TKey, TValue>.Size(keyBytes.Length, valueBytes.Length);
        if (size > _options.MaxSyncBytes)
        {
            throw new ArgumentException(
                $"The key {key} with its value encodes to {size:N0} bytes; a replica message holds at most ReplicaOptions.MaxSyncBytes ({_options.MaxSyncBytes:N0}).",
                nameof(value));
        }

        // Also when no neighbour is there to ship to yet: the key budgets of the pushes that later carry this key to a
        // fresh replica rest on the largest key seen.
        _codec.ObserveSize(size);

        return (keyBytes, valueBytes);
    }
}
