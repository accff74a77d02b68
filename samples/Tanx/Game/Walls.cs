namespace Tanx.Game;

/// <summary>How walls act on tanks (push them out) and on missiles (stop or reflect them).</summary>
public static class Walls
{
    /// <summary>
    /// How far to move a circle at <paramref name="pos"/> of <paramref name="radius"/> so that it clears the walls: per wall
    /// the deepest overlap (so a corner of one wall does not push twice), summed over the walls.
    /// </summary>
    public static Vec PushOut(Vec pos, double radius)
    {
        var total = new Vec(0, 0);
        foreach (var wall in Maze.Segments)
        {
            var deepest = new Vec(0, 0);
            foreach (var segment in wall)
            {
                var push = PushFrom(segment.Nearest(pos), pos, radius);
                if (push.Dot(push) > deepest.Dot(deepest))
                    deepest = push;
            }
            total += deepest;
        }
        return total;
    }

    /// <summary>The push that moves a circle at <paramref name="pos"/> of <paramref name="radius"/> off a fixed point.</summary>
    public static Vec PushFrom(Vec point, Vec pos, double radius)
    {
        var away = pos - point;
        var distance = away.Length;
        if (distance >= radius)
            return new Vec(0, 0);
        // Exactly on the point: any direction will do; a fixed one keeps the rules deterministic.
        return distance == 0 ? new Vec(radius, 0) : away * ((radius - distance) / distance);
    }

    /// <summary>The first wall the path from <paramref name="from"/> to <paramref name="to"/> meets: the point and the wall's normal facing the path.</summary>
    public static (Vec Point, Vec Normal)? FirstHit(Vec from, Vec to)
    {
        (double T, Segment Segment)? first = null;
        foreach (var wall in Maze.Segments)
        {
            foreach (var segment in wall)
            {
                if (segment.Crossing(from, to) is { } t && (first is null || t < first.Value.T))
                    first = (t, segment);
            }
        }
        return first is { } hit ? (from + (to - from) * hit.T, hit.Segment.NormalFacing(from)) : null;
    }
}
