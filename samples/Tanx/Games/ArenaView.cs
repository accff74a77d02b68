using MessagePack;
using Tanx.Game;

namespace Tanx.Games;

// What a client draws: a snapshot of the arena, the scoreboard and the chat, and which node the game runs on.

[MessagePackObject]
public sealed record ArenaView(
    [property: Key(0)] string GameId,
    [property: Key(1)] string GameName,
    [property: Key(2)] string GameNode,
    [property: Key(3)] double Time,
    [property: Key(4)] PlayerView? Me,
    [property: Key(5)] List<TankView> Tanks,
    [property: Key(6)] List<ThingView> Missiles,
    [property: Key(7)] List<ExplosionView> Explosions,
    [property: Key(8)] List<PowerUpView> PowerUps,
    [property: Key(9)] List<EntryPointView> EntryPoints,
    [property: Key(10)] List<PlayerView> Players,
    [property: Key(11)] List<ChatLine> Chat,
    [property: Key(12)] long Ticks,
    [property: Key(13)] string GameBuild);

[MessagePackObject]
public sealed record PlayerView(
    [property: Key(0)] string Id,
    [property: Key(1)] string Name,
    [property: Key(2)] int Kills,
    [property: Key(3)] int Deaths,
    [property: Key(4)] bool HasTank,
    [property: Key(5)] double JoinedAt,
    [property: Key(6)] double ReloadIn,
    [property: Key(7)] int Bounce);

[MessagePackObject]
public sealed record TankView([property: Key(0)] string PlayerId, [property: Key(1)] string Name, [property: Key(2)] double X, [property: Key(3)] double Y,
    [property: Key(4)] double Heading, [property: Key(5)] double Armor, [property: Key(6)] double MaxArmor, [property: Key(7)] double Dist);

[MessagePackObject]
public sealed record ThingView([property: Key(0)] double X, [property: Key(1)] double Y, [property: Key(2)] double Heading);

[MessagePackObject]
public sealed record ExplosionView([property: Key(0)] double X, [property: Key(1)] double Y, [property: Key(2)] double Radius, [property: Key(3)] double Progress);

[MessagePackObject]
public sealed record PowerUpView([property: Key(0)] double X, [property: Key(1)] double Y, [property: Key(2)] string Kind);

[MessagePackObject]
public sealed record EntryPointView([property: Key(0)] string Name, [property: Key(1)] double X, [property: Key(2)] double Y, [property: Key(3)] bool Available);

/// <summary>Builds the views from the game state.</summary>
public static class Views
{
    public static ArenaView Arena(GameState game, string node, string build, Player? me) => new(
        game.Id, game.Name, node, game.Time,
        me is null ? null : Of(game, me),
        [.. game.Tanks.Values.Select(t => new TankView(t.PlayerId, Engine.PlayerById(game, t.PlayerId)?.Name ?? "", t.Pos.X, t.Pos.Y, t.Heading, t.Armor, t.MaxArmor, t.Dist))],
        [.. game.Missiles.Select(m => new ThingView(m.Pos.X, m.Pos.Y, m.Heading))],
        [.. game.Explosions.Select(e => new ExplosionView(e.Pos.X, e.Pos.Y, e.Radius, e.Progress))],
        [.. game.PowerUps.Select(p => new PowerUpView(p.Pos.X, p.Pos.Y, p.Kind.ToString().ToLowerInvariant()))],
        [.. Maze.EntryPoints.Select(e => new EntryPointView(e.Name, e.Pos.X, e.Pos.Y, Engine.IsEntryPointAvailable(game, e)))],
        [.. game.Players.Values.OrderBy(p => p.JoinedAt).Select(p => Of(game, p))],
        game.Chat,
        game.Ticks,
        build);

    public static PlayerView Of(GameState game, Player p) =>
        new(p.Id, p.Name, p.Kills, p.Deaths, game.Tanks.ContainsKey(p.Id), p.JoinedAt, Math.Max(0, p.ReloadedAt - game.Time), p.Bounce);
}
