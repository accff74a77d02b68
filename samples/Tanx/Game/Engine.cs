namespace Tanx.Game;

/// <summary>Something that happened in a step, for the players' feeds and for tests.</summary>
public abstract record GameEvent;

/// <summary>A tank was destroyed; <see cref="Originator"/> is the player credited (the victim itself for a self-destruct).</summary>
public sealed record TankDestroyed(string Victim, string Originator) : GameEvent;

public sealed record PowerUpCollected(string PlayerId, PowerUpKind Kind) : GameEvent;

public sealed record PlayerRemoved(string PlayerId, string Name) : GameEvent;

public enum SpawnResult { Spawned, UnknownPlayer, AlreadySpawned, UnknownEntryPoint, EntryPointBlocked }

public enum FireResult { Fired, UnknownPlayer, NoTank, Reloading }

/// <summary>The rules of the game as functions of <see cref="GameState"/>: the players' commands and the physics step.</summary>
public static class Engine
{
    private const double Epsilon = 1e-6;

    public static Player Join(GameState game, string handle, string name)
    {
        var player = new Player { Id = game.NewId("P"), Name = CleanName(name), JoinedAt = game.Time, LastSeenAt = game.Time };
        game.Players[handle] = player;
        game.EmptySince = null;
        return player;
    }

    /// <summary>The player of <paramref name="handle"/>, now marked as seen (a player that is never seen is removed), or null.</summary>
    public static Player? Touch(GameState game, string handle)
    {
        if (!game.Players.TryGetValue(handle, out var player))
            return null;
        player.LastSeenAt = game.Time;
        return player;
    }

    public static bool Rename(GameState game, string handle, string name)
    {
        if (Touch(game, handle) is not { } player)
            return false;
        player.Name = CleanName(name);
        return true;
    }

    /// <summary>Removes the player and its tank, without counting a death.</summary>
    public static bool Leave(GameState game, string handle)
    {
        if (!game.Players.Remove(handle, out var player))
            return false;
        game.Tanks.Remove(player.Id);
        if (game.Players.Count == 0)
            game.EmptySince = game.Time;
        return true;
    }

    public static bool IsEntryPointAvailable(GameState game, EntryPoint entry) =>
        game.Tanks.Values.All(tank => !entry.Blocks(tank.Pos, Rules.TankRadius));

    public static SpawnResult Spawn(GameState game, string handle, string entryPoint)
    {
        if (Touch(game, handle) is not { } player)
            return SpawnResult.UnknownPlayer;
        if (game.Tanks.ContainsKey(player.Id))
            return SpawnResult.AlreadySpawned;
        if (Maze.Entry(entryPoint) is not { } entry)
            return SpawnResult.UnknownEntryPoint;
        if (!IsEntryPointAvailable(game, entry))
            return SpawnResult.EntryPointBlocked;
        game.Tanks[player.Id] = new Tank { PlayerId = player.Id, Pos = entry.Pos, Heading = entry.Heading };
        return SpawnResult.Spawned;
    }

    public static bool SetControl(GameState game, string handle, Controls button, bool down)
    {
        if (Touch(game, handle) is not { } player)
            return false;
        player.Controls = down ? player.Controls | button : player.Controls & ~button;
        return true;
    }

    public static FireResult Fire(GameState game, string handle)
    {
        if (Touch(game, handle) is not { } player)
            return FireResult.UnknownPlayer;
        if (!game.Tanks.TryGetValue(player.Id, out var tank))
            return FireResult.NoTank;
        if (player.ReloadedAt > game.Time)
            return FireResult.Reloading;
        player.ReloadedAt = game.Time + Rules.ReloadSeconds;
        game.Missiles.Add(new Missile
        {
            Id = game.NewId("M"),
            Pos = tank.Pos + Vec.FromHeading(tank.Heading, Rules.TankRadius + Epsilon),
            Heading = tank.Heading,
            Bounce = player.Bounce,
            Originator = player.Id,
        });
        return FireResult.Fired;
    }

    /// <summary>Blows the player's tank up in a big explosion that counts as its own death; it hurts whoever is near.</summary>
    public static bool SelfDestruct(GameState game, string handle, List<GameEvent>? events = null)
    {
        if (Touch(game, handle) is not { } player || !game.Tanks.TryGetValue(player.Id, out var tank))
            return false;
        Destroy(game, tank, Rules.SelfDestructBlast, player.Id, events ?? []);
        return true;
    }

    public static bool Say(GameState game, string handle, string text)
    {
        if (Touch(game, handle) is not { } player || string.IsNullOrWhiteSpace(text))
            return false;
        game.Chat.Add(new ChatLine(player.Id, player.Name, text.Trim()[..Math.Min(text.Trim().Length, 200)], game.Time));
        if (game.Chat.Count > Rules.ChatLength)
            game.Chat.RemoveRange(0, game.Chat.Count - Rules.ChatLength);
        return true;
    }

    /// <summary>Advances the game by <paramref name="elapsed"/> seconds (at most <see cref="Rules.MaxStepSeconds"/>).</summary>
    public static List<GameEvent> Step(GameState game, double elapsed)
    {
        elapsed = Math.Clamp(elapsed, 0, Rules.MaxStepSeconds);
        game.Time += elapsed;
        game.Ticks++;
        var events = new List<GameEvent>();
        MoveTanks(game, elapsed);
        var detonating = AdvanceExplosions(game, elapsed);
        DamageFromExplosions(game, detonating, events);
        MoveMissiles(game, elapsed);
        HitTanks(game, events);
        CollectPowerUps(game, elapsed, events);
        RemoveIdlePlayers(game, events);
        return events;
    }

    private static void MoveTanks(GameState game, double elapsed)
    {
        var half = Rules.ArenaSize / 2 - Rules.TankRadius;
        foreach (var tank in game.Tanks.Values)
        {
            var controls = game.Players.Values.FirstOrDefault(p => p.Id == tank.PlayerId)?.Controls ?? Controls.None;
            tank.Heading = WrapAngle(tank.Heading + AngularVelocity(controls) * elapsed);
            var dist = Velocity(controls) * elapsed;
            var moved = tank.Pos + Vec.FromHeading(tank.Heading, dist);
            tank.Pos = new Vec(Math.Clamp(moved.X, -half, half), Math.Clamp(moved.Y, -half, half));
            tank.Dist += dist;
        }
        // Forces are computed from the moved positions, then applied together, so the order of tanks does not matter.
        var pushes = game.Tanks.Values.Select(tank =>
        {
            var push = Walls.PushOut(tank.Pos, Rules.TankCollisionRadius);
            foreach (var other in game.Tanks.Values)
            {
                if (other != tank)
                    push += Walls.PushFrom(other.Pos, tank.Pos, 2 * Rules.TankCollisionRadius);
            }
            return push;
        }).ToList();
        var i = 0;
        foreach (var tank in game.Tanks.Values)
            tank.Pos += pushes[i++];
    }

    public static double Velocity(Controls controls) => (controls & (Controls.Forward | Controls.Backward)) switch
    {
        Controls.Forward => Rules.ForwardSpeed,
        Controls.Backward => -Rules.BackwardSpeed,
        _ => 0,
    };

    public static double AngularVelocity(Controls controls) => (controls & (Controls.Left | Controls.Right)) switch
    {
        Controls.Left => Rules.TurnSpeed,
        Controls.Right => -Rules.TurnSpeed,
        _ => 0,
    };

    private static double WrapAngle(double angle) =>
        angle > Math.PI ? angle - 2 * Math.PI : angle < -Math.PI ? angle + 2 * Math.PI : angle;

    /// <summary>Advances every explosion; returns those that passed one half in this step (they deal their damage now).</summary>
    private static List<Explosion> AdvanceExplosions(GameState game, double elapsed)
    {
        var detonating = new List<Explosion>();
        foreach (var explosion in game.Explosions)
        {
            var before = explosion.Progress;
            explosion.Progress += elapsed / explosion.Length;
            if (before < 0.5 && explosion.Progress >= 0.5)
                detonating.Add(explosion);
        }
        game.Explosions.RemoveAll(e => e.Progress >= 1);
        return detonating;
    }

    private static void DamageFromExplosions(GameState game, List<Explosion> detonating, List<GameEvent> events)
    {
        foreach (var tank in game.Tanks.Values.ToList())
        {
            foreach (var explosion in detonating)
            {
                var damage = (1 - tank.Pos.DistanceTo(explosion.Pos) / (explosion.Radius + Rules.TankRadius)) * explosion.Intensity;
                if (damage <= 0)
                    continue;
                tank.Armor -= damage;
                if (tank.Armor <= 0)
                {
                    // The destroyed tank's own explosion reaches its half later: that is how explosions chain.
                    Destroy(game, tank, Rules.TankBlast, explosion.Originator, events);
                    break;
                }
            }
        }
    }

    private static void MoveMissiles(GameState game, double elapsed)
    {
        var half = Rules.ArenaSize / 2;
        foreach (var missile in game.Missiles.ToList())
        {
            var velocity = Vec.FromHeading(missile.Heading, Rules.MissileSpeed);
            var next = missile.Pos + velocity * elapsed;
            if (Walls.FirstHit(missile.Pos, next) is var (point, normal))
            {
                if (missile.Bounce > 0)
                {
                    var reflected = velocity - normal * (2 * velocity.Dot(normal));
                    missile.Heading = Math.Atan2(reflected.Y, reflected.X);
                    missile.Pos = point + reflected * Epsilon;
                    missile.Bounce--;
                }
                else
                {
                    game.Missiles.Remove(missile);
                    AddExplosion(game, point, Rules.MissileBlast, missile.Originator);
                }
                continue;
            }
            missile.Pos = next;
            if (Math.Abs(next.X) > half || Math.Abs(next.Y) > half)
                game.Missiles.Remove(missile);
        }
    }

    /// <summary>
    /// A missile hits a tank it is inside the collision radius of and still flying towards; the damage is the missile's
    /// impact scaled by how squarely it hits (1 through the centre, 0 at a graze).
    /// </summary>
    private static void HitTanks(GameState game, List<GameEvent> events)
    {
        foreach (var missile in game.Missiles.ToList())
        {
            var direction = Vec.FromHeading(missile.Heading);
            foreach (var tank in game.Tanks.Values)
            {
                var toTank = tank.Pos - missile.Pos;
                var along = toTank.Dot(direction);
                if (toTank.Length > Rules.TankCollisionRadius || along <= 0)
                    continue;
                game.Missiles.Remove(missile);
                AddExplosion(game, missile.Pos, Rules.MissileBlast, missile.Originator);
                tank.Armor -= along / Rules.TankCollisionRadius * Rules.MissileImpact;
                if (tank.Armor <= 0)
                    Destroy(game, tank, Rules.TankBlast, missile.Originator, events);
                break;
            }
        }
    }

    private static void CollectPowerUps(GameState game, double elapsed, List<GameEvent> events)
    {
        foreach (var powerUp in game.PowerUps)
            powerUp.ExpiresIn -= elapsed;
        game.PowerUps.RemoveAll(p => p.ExpiresIn <= 0);
        foreach (var powerUp in game.PowerUps.ToList())
        {
            var tank = game.Tanks.Values.FirstOrDefault(t => t.Pos.DistanceTo(powerUp.Pos) <= Rules.TankRadius + Rules.PowerUpRadius);
            if (tank is null)
                continue;
            game.PowerUps.Remove(powerUp);
            if (powerUp.Kind == PowerUpKind.Health)
                tank.Armor = Math.Min(tank.MaxArmor, tank.Armor + 1);
            else if (PlayerById(game, tank.PlayerId) is { } player)
                player.Bounce = 1;
            events.Add(new PowerUpCollected(tank.PlayerId, powerUp.Kind));
        }
    }

    private static void RemoveIdlePlayers(GameState game, List<GameEvent> events)
    {
        foreach (var (handle, player) in game.Players.ToList())
        {
            if (game.Time - player.LastSeenAt > Rules.PlayerIdleSeconds && Leave(game, handle))
                events.Add(new PlayerRemoved(player.Id, player.Name));
        }
    }

    /// <summary>Removes a tank in an explosion, scores the death and the kill, and drops a random power-up where it was.</summary>
    private static void Destroy(GameState game, Tank tank, Blast blast, string originator, List<GameEvent> events)
    {
        game.Tanks.Remove(tank.PlayerId);
        AddExplosion(game, tank.Pos, blast, originator);
        if (PlayerById(game, tank.PlayerId) is { } victim)
        {
            victim.Deaths++;
            victim.Bounce = 0;
            victim.Controls = Controls.None;
        }
        if (originator != tank.PlayerId && PlayerById(game, originator) is { } killer)
            killer.Kills++;
        game.PowerUps.Add(new PowerUp { Id = game.NewId("U"), Pos = tank.Pos, Kind = NextRandom(game) % 2 == 0 ? PowerUpKind.Health : PowerUpKind.Bounce });
        events.Add(new TankDestroyed(tank.PlayerId, originator));
    }

    private static void AddExplosion(GameState game, Vec pos, Blast blast, string originator) =>
        game.Explosions.Add(new Explosion { Id = game.NewId("E"), Pos = pos, Intensity = blast.Intensity, Radius = blast.Radius, Length = blast.Length, Originator = originator });

    public static Player? PlayerById(GameState game, string id) => game.Players.Values.FirstOrDefault(p => p.Id == id);

    /// <summary>xorshift64: a generator whose whole state is one number in the game state.</summary>
    private static ulong NextRandom(GameState game)
    {
        var x = game.Random;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        game.Random = x;
        return x;
    }

    private static string CleanName(string name)
    {
        var trimmed = (name ?? "").Trim();
        return trimmed.Length == 0 ? "Anonymous" : trimmed[..Math.Min(trimmed.Length, Rules.NameLength)];
    }
}
