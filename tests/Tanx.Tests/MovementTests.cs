using Tanx.Game;
using static Tanx.Tests.GameFixtures;

namespace Tanx.Tests;

public sealed class MovementTests
{
    [Fact]
    public void A_tank_enters_at_its_entry_point_facing_its_heading()
    {
        var (game, handle, player) = WithPlayer();
        Assert.Equal(SpawnResult.Spawned, Engine.Spawn(game, handle, "sw"));
        var tank = game.Tanks[player.Id];
        Assert.Equal(new Vec(-9.25, -9.25), tank.Pos);
        Assert.Equal(0, tank.Heading);
        Assert.Equal(Rules.TankArmor, tank.Armor);
        Assert.Equal(SpawnResult.AlreadySpawned, Engine.Spawn(game, handle, "nw"));
    }

    [Fact]
    public void Forward_is_two_units_a_second_backward_one()
    {
        var (game, handle, player) = WithPlayer();
        var tank = PlaceTank(game, player, Middle);
        Engine.SetControl(game, handle, Controls.Forward, true);
        Run(game, 0.5);
        Assert.Equal(1.0, tank.Pos.X, 6);
        Engine.SetControl(game, handle, Controls.Forward, false);
        Engine.SetControl(game, handle, Controls.Backward, true);
        Run(game, 1);
        Assert.Equal(0.0, tank.Pos.X, 6);
        Assert.Equal(0.0, tank.Pos.Y, 6);
    }

    [Fact]
    public void Turning_is_two_radians_a_second_left_counter_clockwise()
    {
        var (game, handle, player) = WithPlayer();
        var tank = PlaceTank(game, player, Middle);
        Engine.SetControl(game, handle, Controls.Left, true);
        Run(game, 0.5);
        Assert.Equal(1.0, tank.Heading, 6);
        Engine.SetControl(game, handle, Controls.Left, false);
        Engine.SetControl(game, handle, Controls.Right, true);
        Run(game, 1);
        Assert.Equal(-1.0, tank.Heading, 6);
    }

    [Fact]
    public void A_tank_driving_into_a_wall_stops_at_its_collision_radius()
    {
        var (game, handle, player) = WithPlayer();
        Engine.Spawn(game, handle, "sw"); // facing +x along y = -9.25, towards the notch wall at x = -5.5
        Engine.SetControl(game, handle, Controls.Forward, true);
        Run(game, 4, handle);
        var tank = game.Tanks[player.Id];
        Assert.InRange(tank.Pos.X, -5.5 - Rules.TankCollisionRadius - 0.05, -5.5 - Rules.TankCollisionRadius + 0.05);
        Assert.Equal(-9.25, tank.Pos.Y, 2);
    }

    [Fact]
    public void Two_tanks_are_pushed_apart()
    {
        var (game, _, a) = WithPlayer("a");
        var (_, _, b) = WithPlayer("b", game);
        var ta = PlaceTank(game, a, new Vec(-0.3, 0));
        var tb = PlaceTank(game, b, new Vec(0.3, 0));
        Run(game, 0.5);
        Assert.True(ta.Pos.DistanceTo(tb.Pos) >= 2 * Rules.TankCollisionRadius - 0.01, $"tanks {ta.Pos} and {tb.Pos} still overlap");
        Assert.Equal(0, ta.Pos.X + tb.Pos.X, 6); // symmetrically
    }

    [Fact]
    public void A_tank_stays_inside_the_arena()
    {
        var (game, handle, player) = WithPlayer();
        var tank = PlaceTank(game, player, new Vec(0, 9.2), Math.PI / 2); // the open top edge above x = 0
        Engine.SetControl(game, handle, Controls.Forward, true);
        Run(game, 2);
        Assert.True(tank.Pos.Y <= Rules.ArenaSize / 2 - Rules.TankRadius + 1e-9, $"tank at {tank.Pos}");
    }
}
