using MessagePack;
using Tanx.Game;
using static Tanx.Tests.GameFixtures;

namespace Tanx.Tests;

public sealed class PlayersAndPowerUpsTests
{
    [Fact]
    public void A_death_drops_a_power_up_that_expires_after_ten_seconds()
    {
        var (game, handle, player) = WithPlayer();
        PlaceTank(game, player, Middle);
        Engine.SelfDestruct(game, handle);
        var powerUp = Assert.Single(game.PowerUps);
        Assert.Equal(Middle, powerUp.Pos);
        Run(game, 9.9, handle);
        Assert.Single(game.PowerUps);
        Run(game, 0.2, handle);
        Assert.Empty(game.PowerUps);
    }

    [Fact]
    public void Health_adds_one_armor_up_to_the_maximum()
    {
        var (game, _, player) = WithPlayer();
        var tank = PlaceTank(game, player, Middle, armor: 0.5);
        game.PowerUps.Add(new PowerUp { Id = "U1", Pos = new Vec(0.3, 0), Kind = PowerUpKind.Health });
        var events = Run(game, 0.02);
        Assert.Equal(1.5, tank.Armor, 9);
        Assert.Contains(new PowerUpCollected(player.Id, PowerUpKind.Health), events);
        game.PowerUps.Add(new PowerUp { Id = "U2", Pos = new Vec(0.3, 0), Kind = PowerUpKind.Health });
        Run(game, 0.02);
        Assert.Equal(Rules.TankArmor, tank.Armor);
        Assert.Empty(game.PowerUps);
    }

    [Fact]
    public void Bounce_makes_the_players_missiles_bounce_until_its_tank_is_destroyed()
    {
        var (game, handle, player) = WithPlayer();
        PlaceTank(game, player, Middle);
        game.PowerUps.Add(new PowerUp { Id = "U1", Pos = new Vec(0.3, 0), Kind = PowerUpKind.Bounce });
        Run(game, 0.02);
        Assert.Equal(1, player.Bounce);
        Engine.Fire(game, handle);
        Assert.Equal(1, Assert.Single(game.Missiles).Bounce);
        Engine.SelfDestruct(game, handle);
        Assert.Equal(0, player.Bounce);
    }

    [Fact]
    public void An_entry_point_is_unavailable_while_a_tank_is_inside_its_box()
    {
        var (game, a, playerA) = WithPlayer("a");
        var (_, b, _) = WithPlayer("b", game);
        var nw = Maze.Entry("nw")!;
        Assert.Equal(SpawnResult.Spawned, Engine.Spawn(game, a, "nw"));
        Assert.False(Engine.IsEntryPointAvailable(game, nw));
        Assert.Equal(SpawnResult.EntryPointBlocked, Engine.Spawn(game, b, "nw"));
        Assert.Equal(SpawnResult.Spawned, Engine.Spawn(game, b, "ne"));
        var tank = game.Tanks[playerA.Id];
        tank.Pos = new Vec(nw.Pos.X + nw.Right + Rules.TankRadius - 0.01, nw.Pos.Y); // still touching the box's right edge
        Assert.False(Engine.IsEntryPointAvailable(game, nw));
        tank.Pos = new Vec(nw.Pos.X + nw.Right + Rules.TankRadius + 0.01, nw.Pos.Y);
        Assert.True(Engine.IsEntryPointAvailable(game, nw));
        var (_, c, _) = WithPlayer("c", game);
        Assert.Equal(SpawnResult.UnknownEntryPoint, Engine.Spawn(game, c, "middle"));
    }

    [Fact]
    public void A_player_not_seen_for_sixty_seconds_is_removed_with_its_tank_and_an_active_one_stays()
    {
        var (game, idle, idlePlayer) = WithPlayer("idle");
        var (_, active, _) = WithPlayer("active", game);
        PlaceTank(game, idlePlayer, Middle);
        Run(game, 59, active);
        Assert.Equal(2, game.Players.Count);
        var events = Run(game, 1.1, active);
        Assert.Contains(new PlayerRemoved(idlePlayer.Id, "idle"), events);
        Assert.False(game.Players.ContainsKey(idle));
        Assert.Empty(game.Tanks);
        Assert.True(game.Players.ContainsKey(active));
        Assert.Null(game.EmptySince);
        Engine.Leave(game, active);
        Assert.Equal(game.Time, game.EmptySince);
    }

    [Fact]
    public void Rename_and_chat_belong_to_the_handle_only()
    {
        var (game, handle, player) = WithPlayer("old");
        Assert.True(Engine.Rename(game, handle, "  new name  "));
        Assert.Equal("new name", player.Name);
        Assert.False(Engine.Rename(game, "not-a-handle", "x"));
        Assert.True(Engine.Say(game, handle, "hello"));
        Assert.Equal(new ChatLine(player.Id, "new name", "hello", game.Time), Assert.Single(game.Chat));
        for (var i = 0; i < 40; i++)
            Engine.Say(game, handle, $"line {i}");
        Assert.Equal(Rules.ChatLength, game.Chat.Count);
        Assert.Equal("line 39", game.Chat[^1].Text);
    }

    [Fact]
    public void The_state_round_trips_through_MessagePack_as_a_handoff_carries_it()
    {
        var (game, handle, player) = WithPlayer("a");
        PlaceTank(game, player, new Vec(-2, 0));
        player.Bounce = 1;
        Engine.Fire(game, handle);
        Engine.SelfDestruct(game, handle);
        Engine.Say(game, handle, "hi");
        Run(game, 0.1, handle);
        var copy = MessagePackSerializer.Deserialize<GameState>(MessagePackSerializer.Serialize(game));
        Assert.Equal(MessagePackSerializer.SerializeToJson(game), MessagePackSerializer.SerializeToJson(copy));
        // And the copy plays on exactly as the original does (the random generator is part of the state).
        Engine.Join(copy, "h2", "b");
        Engine.Join(game, "h2", "b");
        Run(copy, 1);
        Run(game, 1);
        Assert.Equal(MessagePackSerializer.SerializeToJson(game), MessagePackSerializer.SerializeToJson(copy));
    }
}
