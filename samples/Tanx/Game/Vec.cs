using MessagePack;

namespace Tanx.Game;

/// <summary>A point or direction in the arena's plane; the arena's origin is its centre, y points up.</summary>
[MessagePackObject]
public readonly record struct Vec([property: Key(0)] double X, [property: Key(1)] double Y)
{
    public static Vec operator +(Vec a, Vec b) => new(a.X + b.X, a.Y + b.Y);

    public static Vec operator -(Vec a, Vec b) => new(a.X - b.X, a.Y - b.Y);

    public static Vec operator *(Vec a, double k) => new(a.X * k, a.Y * k);

    public double Dot(Vec other) => X * other.X + Y * other.Y;

    /// <summary>The z component of the cross product: positive when <paramref name="other"/> is counter-clockwise of this.</summary>
    public double Cross(Vec other) => X * other.Y - Y * other.X;

    [IgnoreMember]
    public double Length => Math.Sqrt(X * X + Y * Y);

    public double DistanceTo(Vec other) => (this - other).Length;

    /// <summary>The unit vector of a heading (radians, counter-clockwise from +x) scaled by <paramref name="length"/>.</summary>
    public static Vec FromHeading(double heading, double length = 1) => new(Math.Cos(heading) * length, Math.Sin(heading) * length);
}
