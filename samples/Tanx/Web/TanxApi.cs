using Horde.Net.Cluster;
using Horde.Net.Supervisor;
using Tanx.Game;
using Tanx.Games;

namespace Tanx.Web;

/// <summary>The HTTP endpoints beside the WebSocket: the maze the client draws, the lobby, and the stats.</summary>
public static class TanxApi
{
    public static void MapTanxApi(this WebApplication app)
    {
        app.MapGet("/api/maze", () => new
        {
            size = Rules.ArenaSize,
            walls = Maze.Walls.Select(w => w.Select(p => new[] { p.X, p.Y })),
            entryPoints = Maze.EntryPoints.Select(e => new { e.Name, x = e.Pos.X, y = e.Pos.Y }),
            tankRadius = Rules.TankRadius,
        });
        app.MapGet("/api/games", (GameDirectory games) => games.ListAsync());
        app.MapGet("/api/stats", async (GameDirectory games, TickStats ticks, Node node, BuildInfo build) =>
        {
            var list = await games.ListAsync();
            var supervisor = games.Supervisor;
            return new Stats(
                node.Name.ToString(), build.Build, list.Count, list.Sum(g => g.Players),
                ticks.LocalGames, supervisor.LocalChildren().Count,
                supervisor.Members.Where(m => m.Status == MemberStatus.Alive).Select(m => m.Node.ToString()).Order().ToList(),
                new TickFigures(ticks.Ticks, ticks.IntervalQuantile(0.5), ticks.IntervalQuantile(0.99), ticks.WorkQuantile(0.5), ticks.WorkQuantile(0.99)),
                list);
        });
        // For the benchmark: measure from a steady state.
        app.MapPost("/api/stats/reset", (TickStats ticks) => ticks.Reset());
    }
}

/// <summary>The stats endpoint's answer: the cluster's games and players, and this node's share and physics figures.</summary>
public sealed record Stats(string Node, string Build, int Games, int Players, int LocalGames, int LocalChildren, List<string> Members, TickFigures Ticks, IReadOnlyList<GameSummary> GameList);

/// <summary>This node's physics: steps measured, the interval between a game's steps and a step's duration (ms).</summary>
public sealed record TickFigures(long Count, double IntervalP50, double IntervalP99, double WorkP50, double WorkP99);
