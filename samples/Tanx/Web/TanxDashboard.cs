using System.Net;
using Horde.Net.Cluster;
using Tanx.Games;

namespace Tanx.Web;

/// <summary>
/// A minimal /horde page until Horde.Net's dashboard (MapHordeDashboard) is in: this node, its peers, the game
/// supervisor's members and where each game runs.
/// </summary>
public static class TanxDashboard
{
    public static void MapTanxDashboard(this WebApplication app, string path = "/horde") =>
        app.MapGet(path, (Node node, GameDirectory games, BuildInfo build) =>
        {
            var supervisor = games.Supervisor;
            var rows = supervisor.WhichChildren().Select(c => $"<tr><td>{E(c.Id)}</td><td>{E(c.Pid?.Node.ToString() ?? "moving")}</td></tr>");
            var members = supervisor.Members.Select(m => $"<li>{E(m.Node.ToString())}: {m.Status}</li>");
            var html = $"""
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Horde: {E(node.Name.ToString())}</title></head><body>
                <h1>{E(node.Name.ToString())}</h1><p>state {node.State}, build {E(build.Build)}, {node.ProcessCount} processes, connected to {E(string.Join(", ", node.ConnectedNodes))}</p>
                <h2>Supervisor {E(supervisor.Name)}: members</h2><ul>{string.Concat(members)}</ul>
                <h2>Games</h2><table><tr><th>id</th><th>node</th></tr>{string.Concat(rows)}</table></body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        });

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
