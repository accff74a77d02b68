using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Registry;

// Registry-wide metadata (Horde's meta/put_meta/delete_meta): keys with values of any MessagePack type, replicated
// beside the names in a map of their own.
public sealed partial class HordeRegistry<TValue>
{
    /// <summary>Sets the metadata <paramref name="key"/> to <paramref name="value"/> (replicated to every member).</summary>
    public Task PutMetaAsync<T>(string key, T value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return _meta.PutAsync(key, MessagePackSerializer.Serialize(value, HordeSerializer.OptionsFor(_node)));
    }

    /// <summary>Reads the metadata <paramref name="key"/> from the local replica.</summary>
    /// <remarks>Throws a MessagePack serialization exception if the stored value is not a <typeparamref name="T"/>.</remarks>
    public bool TryGetMeta<T>(string key, out T value)
    {
        if (_meta.TryGetValue(key, out var bytes))
        {
            value = MessagePackSerializer.Deserialize<T>(bytes, HordeSerializer.OptionsFor(_node));
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Removes the metadata <paramref name="key"/>.</summary>
    public Task DeleteMetaAsync(string key) => _meta.DeleteAsync(key);
}
