using System.Security.Cryptography;
using Horde.Net.Cluster.Supervision;
using Horde.Net.Registry;
using Horde.Net.Supervisor;
using Horde.Net.Supervisor.Hosting;

namespace Tanx.Games;

/// <summary>The games of the cluster, from this node: create one, list them, call one by its id wherever it runs.</summary>
public sealed class GameDirectory(IHordeSupervisors supervisors)
{
    public const string SupervisorName = "tanx";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(8);

    public HordeSupervisor Supervisor => supervisors.Get(SupervisorName);

    public async Task<GameSummary> CreateAsync(string name)
    {
        var id = "g" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        // Transient: a game that ends normally (its last player left) is not started again.
        var spec = HordeChildSpec.For<GameProcess>(id) with { Restart = Restart.Transient };
        (await Supervisor.StartChildAsync(spec)).EnsureRunning();
        return await CallAsync<GameSummary>(id, new NameGame(id, name));
    }

    /// <summary>
    /// Calls the game <paramref name="id"/>; while it moves between nodes the call waits for it (bounded). Unlike a child
    /// handle it never starts a game: a game that ended stays ended.
    /// </summary>
    /// <exception cref="NameNotRegisteredException">There is no such game (any more).</exception>
    public async Task<T> CallAsync<T>(string id, object message) =>
        await Supervisor.Registry.CallAsync<T>(id, message, CallTimeout);

    /// <summary>The games of the cluster, each asked for its summary; a game that ends meanwhile is left out.</summary>
    public async Task<IReadOnlyList<GameSummary>> ListAsync()
    {
        var children = Supervisor.WhichChildren();
        var summaries = await Task.WhenAll(children.Select(async child =>
        {
            try
            {
                return await Supervisor.Registry.CallAsync<GameSummary>(child.Id, new DescribeGame(), TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is NameNotRegisteredException or TimeoutException or Horde.Net.Cluster.ProcessExitedException)
            {
                return null;
            }
        }));
        return [.. summaries.OfType<GameSummary>().OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }
}
