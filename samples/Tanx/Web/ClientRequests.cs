using Horde.Net.Cluster;
using Tanx.Game;
using Tanx.Games;

namespace Tanx.Web;

/// <summary>Carries out one client request: the operations of the protocol, each a call to the lobby or to one game.</summary>
public sealed class ClientRequests(GameDirectory games, Node node, BuildInfo build)
{
    public async Task<object?> RunAsync(ClientRequest request) => request.Op switch
    {
        "hello" => new Hello(node.Name.ToString(), build.Build),
        "list" => await games.ListAsync(),
        "create" => await games.CreateAsync(request.Name ?? "Game"),
        "join" => await Game<Joined>(request, new JoinGame(request.Name ?? "Anonymous")),
        "rejoin" => await Game<PlayerView?>(request, new Rejoin(Handle(request))),
        "view" => new ServedView(await Game<ArenaView>(request, new ViewArena(Handle(request))), node.Name.ToString(), build.Build),
        "spawn" => await Game<CommandResult>(request, new SpawnTank(Handle(request), request.Entry ?? "")),
        "control" => await Game<CommandResult>(request, new Control(Handle(request), ParseButton(request.Button), request.Down)),
        "fire" => await Game<CommandResult>(request, new FireMissile(Handle(request))),
        "destruct" => await Game<CommandResult>(request, new DestructTank(Handle(request))),
        "rename" => await Game<CommandResult>(request, new RenamePlayer(Handle(request), request.Name ?? "")),
        "chat" => await Game<CommandResult>(request, new SayChat(Handle(request), request.Text ?? "")),
        "leave" => await Game<CommandResult>(request, new LeaveGame(Handle(request))),
        _ => throw new ArgumentException($"unknown op '{request.Op}'"),
    };

    private Task<T> Game<T>(ClientRequest request, object message) =>
        games.CallAsync<T>(request.Game ?? throw new ArgumentException("no game"), message);

    private static string Handle(ClientRequest request) => request.Handle ?? throw new ArgumentException("no handle");

    private static Controls ParseButton(string? button) => button switch
    {
        "forward" => Controls.Forward,
        "backward" => Controls.Backward,
        "left" => Controls.Left,
        "right" => Controls.Right,
        _ => throw new ArgumentException($"unknown button '{button}'"),
    };
}
