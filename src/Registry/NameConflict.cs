using Horde.Net.Cluster;

namespace Horde.Net.Registry;

/// <summary>
/// The exit reason of a process that lost its name when two registrations of it met (after a partition healed, or to
/// a register with a larger epoch): kind <c>name_conflict</c>, with the name, the loser's value and the winner in the detail.
/// </summary>
public static class NameConflict
{
    /// <summary>The exit reason's kind.</summary>
    public const string Kind = "name_conflict";

    /// <summary>The exit reason for a process that lost <paramref name="name"/> to <paramref name="winner"/>.</summary>
    public static ExitReason Reason(string name, object? value, Pid winner) =>
        ExitReason.Custom(Kind, $"name={name} value={value} winner={winner}");

    /// <summary>Whether <paramref name="reason"/> is a name conflict.</summary>
    public static bool Is(ExitReason? reason) => reason?.Kind == Kind;
}
