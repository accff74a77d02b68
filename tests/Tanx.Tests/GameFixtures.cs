using Tanx.Game;

namespace Tanx.Tests;

/// <summary>Games set up by hand for the rule tests: players joined, tanks placed where a test wants them.</summary>
internal static class GameFixtures
{
    /// <summary>Inside the maze's open middle: no wall within 2.5 units of x in [-2, 2], y in [-2.5, 2.5].</summary>
    public static readonly Vec Middle = new(0, 0);

    public static (GameState Game, string Handle, Player Player) WithPlayer(string name = "a", GameState? game = null)
    {
        game ??= new GameState { Id = "g", Name = "test" };
        var handle = "h-" + name;
        var player = Engine.Join(game, handle, name);
        return (game, handle, player);
    }

    public static Tank PlaceTank(GameState game, Player player, Vec pos, double heading = 0, double armor = Rules.TankArmor)
    {
        var tank = new Tank { PlayerId = player.Id, Pos = pos, Heading = heading, Armor = armor };
        game.Tanks[player.Id] = tank;
        return tank;
    }

    /// <summary>Steps the game at 50 Hz for <paramref name="seconds"/>; returns every event.</summary>
    public static List<GameEvent> Run(GameState game, double seconds, params string[] keepSeen)
    {
        var events = new List<GameEvent>();
        for (var i = 0; i < Math.Round(seconds * 50); i++)
        {
            foreach (var handle in keepSeen)
                Engine.Touch(game, handle);
            events.AddRange(Engine.Step(game, 0.02));
        }
        return events;
    }
}
