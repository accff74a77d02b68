namespace Horde.Net.Registry;

/// <summary>What a registry of any value type tells about itself (for dashboards and health).</summary>
internal interface IRegistryStatus
{
    string Name { get; }

    int Count { get; }

    bool IsCaughtUp { get; }

    TimeSpan? SinceLastSync { get; }

    /// <summary>A name held on both sides of a healed partition was settled on this node: (name, loser, winner).</summary>
    event Action<string, Horde.Net.Cluster.Pid, Horde.Net.Cluster.Pid>? ConflictResolved;
}
