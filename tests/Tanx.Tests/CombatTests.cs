using Tanx.Game;
using static Tanx.Tests.GameFixtures;

namespace Tanx.Tests;

public sealed class CombatTests
{
    [Fact]
    public void A_missile_flies_ten_units_a_second_from_the_tank_front_and_reloading_takes_a_second()
    {
        var (game, handle, player) = WithPlayer();
        PlaceTank(game, player, new Vec(-2, 0));
        Assert.Equal(FireResult.Fired, Engine.Fire(game, handle));
        Assert.Equal(FireResult.Reloading, Engine.Fire(game, handle));
        var missile = Assert.Single(game.Missiles);
        Assert.Equal(-1.5, missile.Pos.X, 4);
        Run(game, 0.2);
        Assert.Equal(0.5, missile.Pos.X, 4);
        Run(game, 0.8);
        Assert.Equal(FireResult.Fired, Engine.Fire(game, handle));
    }

    [Fact]
    public void Without_a_bounce_a_missile_explodes_on_the_wall()
    {
        var (game, handle, player) = WithPlayer();
        PlaceTank(game, player, new Vec(-7, -9.25)); // the notch wall x = -5.5 ahead
        Engine.Fire(game, handle);
        Run(game, 0.3);
        Assert.Empty(game.Missiles);
        var explosion = Assert.Single(game.Explosions);
        Assert.Equal(-5.5, explosion.Pos.X, 6);
        Assert.Equal(Rules.MissileBlast.Radius, explosion.Radius);
    }

    [Fact]
    public void With_a_bounce_a_missile_reflects_off_the_wall_once()
    {
        var (game, handle, player) = WithPlayer();
        PlaceTank(game, player, new Vec(-9, -9.25));
        player.Bounce = 1;
        Engine.Fire(game, handle);
        Run(game, 0.4);
        var missile = Assert.Single(game.Missiles);
        Assert.Equal(Math.PI, Math.Abs(missile.Heading), 6); // now flying back along -x
        Assert.Equal(0, missile.Bounce);
        Assert.True(missile.Pos.X < -5.5);
        Assert.Empty(game.Explosions);
    }

    [Fact]
    public void A_head_on_hit_takes_one_armor_and_a_hit_past_the_armor_destroys_the_tank_scoring_kill_and_death()
    {
        var (game, shooterHandle, shooter) = WithPlayer("shooter");
        var (_, _, target) = WithPlayer("target", game);
        PlaceTank(game, shooter, new Vec(-2, 0));
        var targetTank = PlaceTank(game, target, new Vec(1.5, 0));
        Engine.Fire(game, shooterHandle);
        Run(game, 1);
        // The square hit takes the full impact, and the missile's own small blast, 0.6 away, a tenth more.
        var blast = (1 - Rules.TankCollisionRadius / (Rules.MissileBlast.Radius + Rules.TankRadius)) * Rules.MissileBlast.Intensity;
        Assert.Equal(Rules.TankArmor - Rules.MissileImpact - blast, targetTank.Armor, 4);
        Assert.Equal(0, target.Deaths);
        targetTank.Armor = 0.5;
        Engine.Fire(game, shooterHandle);
        var events = Run(game, 1);
        Assert.Contains(new TankDestroyed(target.Id, shooter.Id), events);
        Assert.False(game.Tanks.ContainsKey(target.Id));
        Assert.Equal((1, 0), (shooter.Kills, shooter.Deaths));
        Assert.Equal((0, 1), (target.Kills, target.Deaths));
    }

    [Fact]
    public void A_glancing_hit_does_less_damage_than_a_square_one()
    {
        var (game, handle, shooter) = WithPlayer("shooter");
        var (_, _, target) = WithPlayer("target", game);
        PlaceTank(game, shooter, new Vec(-2, 0));
        var tank = PlaceTank(game, target, new Vec(1.5, 0.45)); // the missile's path passes 0.45 from its centre
        Engine.Fire(game, handle);
        Run(game, 1);
        Assert.InRange(Rules.TankArmor - tank.Armor, 0.1, 0.8);
    }

    [Fact]
    public void An_explosion_damages_once_when_it_passes_half_its_length_by_distance()
    {
        var (game, _, player) = WithPlayer();
        var tank = PlaceTank(game, player, Middle);
        game.Explosions.Add(new Explosion { Id = "E", Pos = new Vec(0.5, 0), Intensity = 1, Radius = 1, Length = 1, Originator = "nobody" });
        Run(game, 0.48);
        Assert.Equal(Rules.TankArmor, tank.Armor);
        Run(game, 0.04);
        var expected = Rules.TankArmor - (1 - 0.5 / (1 + Rules.TankRadius));
        Assert.Equal(expected, tank.Armor, 6);
        Run(game, 0.6);
        Assert.Equal(expected, tank.Armor, 6);
        Assert.Empty(game.Explosions);
    }

    [Fact]
    public void A_destroyed_tank_explodes_and_its_explosion_chains_to_the_next_tank_credited_to_the_first_originator()
    {
        var (game, handle, shooter) = WithPlayer("shooter");
        var (_, _, first) = WithPlayer("first", game);
        var (_, _, second) = WithPlayer("second", game);
        PlaceTank(game, shooter, new Vec(-2, 0));
        PlaceTank(game, first, new Vec(0.5, 0), armor: 0.5);
        PlaceTank(game, second, new Vec(0.5, 1.25), armor: 0.1); // out of the missile's blast, inside the tank's
        Engine.Fire(game, handle);
        var events = Run(game, 1.5);
        Assert.Equal([new TankDestroyed(first.Id, shooter.Id), new TankDestroyed(second.Id, shooter.Id)], events.OfType<TankDestroyed>());
        Assert.Equal(2, shooter.Kills);
    }

    [Fact]
    public void Self_destruct_is_a_death_without_a_kill_and_a_big_explosion()
    {
        var (game, handle, player) = WithPlayer("a");
        var (_, _, near) = WithPlayer("near", game);
        PlaceTank(game, player, Middle);
        var nearTank = PlaceTank(game, near, new Vec(1.5, 0));
        Assert.True(Engine.SelfDestruct(game, handle));
        Assert.False(game.Tanks.ContainsKey(player.Id));
        Assert.Equal(Rules.SelfDestructBlast.Radius, Assert.Single(game.Explosions).Radius);
        Assert.Equal((0, 1), (player.Kills, player.Deaths));
        var events = Run(game, 1);
        Assert.Contains(new TankDestroyed(near.Id, player.Id), events); // 4 × (1 - 1.5/3) = 2: all its armor
        Assert.Equal(1, player.Kills);
        Assert.False(game.Tanks.ContainsKey(nearTank.PlayerId));
        Assert.False(Engine.SelfDestruct(game, handle)); // no tank any more
    }
}
