namespace Tanx.Game;

/// <summary>The figures of the original game (ElixirSeattle/tanx), in arena units, seconds and radians.</summary>
public static class Rules
{
    public const double ArenaSize = 20;
    public const double TankRadius = 0.5;
    public const double TankCollisionRadius = 0.6;
    public const double TankArmor = 2;
    public const double ForwardSpeed = 2;
    public const double BackwardSpeed = 1;
    public const double TurnSpeed = 2;
    public const double ReloadSeconds = 1;

    public const double MissileSpeed = 10;
    public const double MissileImpact = 1;
    public static readonly Blast MissileBlast = new(0.25, 0.5, 0.4);
    public static readonly Blast TankBlast = new(1, 1, 0.6);
    public static readonly Blast SelfDestructBlast = new(4, 2.5, 1);

    public const double PowerUpRadius = 0.4;
    public const double PowerUpSeconds = 10;

    public const double PlayerIdleSeconds = 60;
    /// <summary>How long a game with no players lives on before it stops (the original stops at once; this lets its creator join).</summary>
    public const double EmptyGameSeconds = 10;

    /// <summary>The longest step the physics takes at once: after a stall (a move, a GC) time is not jumped over.</summary>
    public const double MaxStepSeconds = 0.1;
    public const int ChatLength = 30;
    public const int NameLength = 24;
}

/// <summary>An explosion's figures: its damage at the centre, its radius and how long it lasts.</summary>
public readonly record struct Blast(double Intensity, double Radius, double Length);
