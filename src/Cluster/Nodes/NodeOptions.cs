namespace Horde.Net.Cluster;

/// <summary>Settings of a <see cref="Node"/>.</summary>
public sealed class NodeOptions
{
    /// <summary>The node's name, <c>name@host:port</c>. A node that never joins a cluster can keep the default.</summary>
    public NodeName Name { get; set; } = NodeName.Create("nonode", "localhost", 4369);

    /// <summary>How long <see cref="Pid.CallAsync{TReply}(object, TimeSpan?, CancellationToken)"/> waits when no timeout is given: 5 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
