using MessagePack;

namespace Tanx.Game;

// The whole game as plain data: no delegates, closures or references to processes, so that it serializes with
// MessagePack and a newer build can read what an older one handed off. (The original hands off the power-up's effect as
// a closure, which only the same code can run.)

/// <summary>One game: its arena and its players. The game's process holds it; <see cref="Engine"/> changes it.</summary>
[MessagePackObject]
public sealed class GameState
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public string Name { get; set; } = "";
    /// <summary>Game time in seconds: advanced by the physics, so that reloads and idle times survive a move between nodes.</summary>
    [Key(2)] public double Time { get; set; }
    [Key(3)] public long NextId { get; set; } = 1;
    /// <summary>The state of the game's own random generator (power-up types), kept here so that a move does not reseed it.</summary>
    [Key(4)] public ulong Random { get; set; } = 0x9E3779B97F4A7C15;
    /// <summary>Players by their secret handle.</summary>
    [Key(5)] public Dictionary<string, Player> Players { get; set; } = [];
    /// <summary>Tanks by the public id of the player who drives it (one tank per player).</summary>
    [Key(6)] public Dictionary<string, Tank> Tanks { get; set; } = [];
    [Key(7)] public List<Missile> Missiles { get; set; } = [];
    [Key(8)] public List<Explosion> Explosions { get; set; } = [];
    [Key(9)] public List<PowerUp> PowerUps { get; set; } = [];
    [Key(10)] public List<ChatLine> Chat { get; set; } = [];
    /// <summary>When the game last had no players (game time), or null while it has some.</summary>
    [Key(11)] public double? EmptySince { get; set; }
    [Key(12)] public long Ticks { get; set; }

    public string NewId(string prefix) => $"{prefix}{NextId++}";
}

/// <summary>A player: the public part (id, name, score) and what only its own client knows (the handle that is its key).</summary>
[MessagePackObject]
public sealed class Player
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public string Name { get; set; } = "";
    [Key(2)] public double JoinedAt { get; set; }
    [Key(3)] public int Kills { get; set; }
    [Key(4)] public int Deaths { get; set; }
    [Key(5)] public double LastSeenAt { get; set; }
    [Key(6)] public double ReloadedAt { get; set; }
    /// <summary>How many wall bounces its next missiles have (a bounce power-up gives 1; a death takes it away).</summary>
    [Key(7)] public int Bounce { get; set; }
    [Key(8)] public Controls Controls { get; set; }
}

/// <summary>The buttons a player holds down.</summary>
[Flags]
public enum Controls
{
    None = 0,
    Forward = 1,
    Backward = 2,
    Left = 4,
    Right = 8,
}

[MessagePackObject]
public sealed class Tank
{
    [Key(0)] public string PlayerId { get; set; } = "";
    [Key(1)] public Vec Pos { get; set; }
    [Key(2)] public double Heading { get; set; }
    [Key(3)] public double Armor { get; set; } = Rules.TankArmor;
    [Key(4)] public double MaxArmor { get; set; } = Rules.TankArmor;
    /// <summary>Distance travelled, which the client uses to animate the treads.</summary>
    [Key(5)] public double Dist { get; set; }
}

[MessagePackObject]
public sealed class Missile
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public Vec Pos { get; set; }
    [Key(2)] public double Heading { get; set; }
    [Key(3)] public int Bounce { get; set; }
    /// <summary>The player who fired it: credited with the kills it causes.</summary>
    [Key(4)] public string Originator { get; set; } = "";
}

[MessagePackObject]
public sealed class Explosion
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public Vec Pos { get; set; }
    [Key(2)] public double Intensity { get; set; }
    [Key(3)] public double Radius { get; set; }
    [Key(4)] public double Length { get; set; }
    /// <summary>0 to 1; it damages once, when it passes one half.</summary>
    [Key(5)] public double Progress { get; set; }
    [Key(6)] public string Originator { get; set; } = "";
}

public enum PowerUpKind
{
    /// <summary>+1 armor, up to the tank's maximum.</summary>
    Health,
    /// <summary>The player's missiles bounce off one wall until its tank is destroyed.</summary>
    Bounce,
}

[MessagePackObject]
public sealed class PowerUp
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public Vec Pos { get; set; }
    [Key(2)] public PowerUpKind Kind { get; set; }
    [Key(3)] public double ExpiresIn { get; set; } = Rules.PowerUpSeconds;
}

[MessagePackObject]
public sealed record ChatLine([property: Key(0)] string PlayerId, [property: Key(1)] string Name, [property: Key(2)] string Text, [property: Key(3)] double At);
