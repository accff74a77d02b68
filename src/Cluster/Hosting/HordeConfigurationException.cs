namespace Horde.Net.Cluster.Hosting;

/// <summary>
/// Horde.Net's configuration is invalid: thrown when the host starts, naming the configuration key (for example
/// <c>Horde:Cookie</c>) and what is wrong with it.
/// </summary>
public sealed class HordeConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    public HordeConfigurationException(string key, string problem, Exception? innerException = null)
        : base($"{key}: {problem}", innerException)
    {
        Key = key;
        Problem = problem;
    }

    /// <summary>The configuration key that is wrong, for example <c>Horde:Membership:Topologies:k8s:Strategy</c>.</summary>
    public string Key { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
