namespace Horde.Net.Cluster.Membership;

/// <summary>
/// A fixed list of nodes, from configuration and/or an environment variable (the seeds' <c>NODES</c>):
/// <code>
/// "Topologies": { "local": { "Strategy": "Static", "Config": {
///   "Nodes": [ "a@10.0.0.1:4000", "b@10.0.0.2:4000" ],
///   "NodesEnvironmentVariable": "NODES"
/// } } }
/// </code>
/// With <c>NODES=a@h:p,b@h:p</c> in the environment the listed nodes are added to <see cref="Nodes"/>.
/// </summary>
public sealed class StaticOptions
{
    /// <summary>The environment variable read by default.</summary>
    public const string DefaultNodesEnvironmentVariable = "NODES";

    /// <summary>Nodes listed in configuration, each <c>name@host:port</c>.</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>
    /// An environment variable holding more nodes, separated by commas or white space; default <c>NODES</c>;
    /// empty to read none. Read once, when the strategy starts.
    /// </summary>
    public string? NodesEnvironmentVariable { get; set; } = DefaultNodesEnvironmentVariable;
}
