namespace Horde.Net.Registry;

/// <summary>What a registry of any value type tells about itself (for dashboards and health).</summary>
internal interface IRegistryStatus
{
    string Name { get; }

    int Count { get; }

    bool IsCaughtUp { get; }

    TimeSpan? SinceLastSync { get; }
}
