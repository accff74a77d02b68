namespace Tanx.Game;

/// <summary>An entry point: where a tank appears, facing <see cref="Heading"/>; usable only while no tank is inside its box.</summary>
public sealed record EntryPoint(string Name, Vec Pos, double Heading, double Left, double Right, double Up, double Down)
{
    /// <summary>Whether a tank of <paramref name="radius"/> at <paramref name="pos"/> overlaps the box around the entry point.</summary>
    public bool Blocks(Vec pos, double radius) =>
        pos.X + radius >= Pos.X - Left && pos.X - radius <= Pos.X + Right &&
        pos.Y + radius >= Pos.Y - Down && pos.Y - radius <= Pos.Y + Up;
}

/// <summary>The standard maze of the original game: an outer wall with notches and inner walls, each a closed polyline.</summary>
public static class Maze
{
    public static readonly IReadOnlyList<IReadOnlyList<Vec>> Walls =
    [
        P(10, 10, 5.5, 10, 5.5, 8, 5, 8, 5, 10, -8, 10, -8, 7, -8.5, 7, -8.5, 10, -10, 10, -10, 5.5, -8, 5.5, -8, 5, -10, 5,
          -10, -8, -7, -8, -7, -8.5, -10, -8.5, -10, -10, -5.5, -10, -5.5, -8, -5, -8, -5, -10, 8, -10, 8, -7, 8.5, -7,
          8.5, -10, 10, -10, 10, -5.5, 8, -5.5, 8, -5, 10, -5, 10, 8, 7, 8, 7, 8.5, 10, 8.5),
        P(-8, 3, -4.5, 3, -5, 4, -1, 4, -5, 4, -3, 0, -4.5, 3),
        P(8, -3, 4.5, -3, 5, -4, 1, -4, 5, -4, 3, 0, 4.5, -3),
        P(-6, 6, -6, 8, -3, 8, -6, 8),
        P(6, -6, 6, -8, 3, -8, 6, -8),
        P(-8, 1, -5.5, 1, -4, -2, -5.5, 1),
        P(8, -1, 5.5, -1, 4, 2, 5.5, -1),
        P(-4, 6, 0, 6, 1, 4, 3, 4, 1, 4, 0, 6),
        P(4, -6, 0, -6, -1, -4, -3, -4, -1, -4, 0, -6),
        P(4, 6, 6, 2),
        P(-4, -6, -6, -2),
        P(7.5, 3, 6, 6, 8, 6, 6, 6),
        P(-7.5, -3, -6, -6, -8, -6, -6, -6),
        P(2, 6, 1, 8, 3, 8, 1, 8),
        P(-2, -6, -1, -8, -3, -8, -1, -8),
        P(-1, 10, -1, 8),
        P(1, -10, 1, -8),
        P(10, 1, 8, 1),
        P(-10, -1, -8, -1),
    ];

    public static readonly IReadOnlyList<EntryPoint> EntryPoints =
    [
        new("nw", new(-9.25, 9.25), -Math.PI / 2, 0.75, 1.25, 0.75, 4.25),
        new("ne", new(9.25, 9.25), Math.PI, 4.25, 0.75, 0.75, 1.25),
        new("se", new(9.25, -9.25), Math.PI / 2, 1.25, 0.75, 4.25, 0.75),
        new("sw", new(-9.25, -9.25), 0, 0.75, 4.25, 1.25, 0.75),
    ];

    public static EntryPoint? Entry(string name) => EntryPoints.FirstOrDefault(e => e.Name == name);

    /// <summary>Every wall as its segments (closing each polyline), computed once.</summary>
    public static readonly IReadOnlyList<Segment[]> Segments = [.. Walls.Select(ToSegments)];

    private static Segment[] ToSegments(IReadOnlyList<Vec> wall) =>
        [.. wall.Select((p, i) => new Segment(p, wall[(i + 1) % wall.Count])).Where(s => s.A != s.B)];

    private static Vec[] P(params double[] xy) => [.. Enumerable.Range(0, xy.Length / 2).Select(i => new Vec(xy[2 * i], xy[2 * i + 1]))];
}

/// <summary>One straight piece of wall.</summary>
public readonly record struct Segment(Vec A, Vec B)
{
    /// <summary>The point of the segment nearest <paramref name="p"/>.</summary>
    public Vec Nearest(Vec p)
    {
        var ab = B - A;
        var t = Math.Clamp((p - A).Dot(ab) / ab.Dot(ab), 0, 1);
        return A + ab * t;
    }

    /// <summary>Where the path from <paramref name="from"/> to <paramref name="to"/> crosses it, as a fraction of the path, or null.</summary>
    public double? Crossing(Vec from, Vec to)
    {
        var path = to - from;
        var side = B - A;
        var denominator = path.Cross(side);
        if (denominator == 0)
            return null;
        var t = (A - from).Cross(side) / denominator;
        var u = (A - from).Cross(path) / denominator;
        return t is >= 0 and <= 1 && u is >= 0 and <= 1 ? t : null;
    }

    /// <summary>The unit normal of the segment on the side <paramref name="from"/> comes from.</summary>
    public Vec NormalFacing(Vec from)
    {
        var side = B - A;
        var normal = new Vec(-side.Y, side.X) * (1 / side.Length);
        return (from - A).Dot(normal) >= 0 ? normal : normal * -1;
    }
}
