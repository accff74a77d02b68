namespace Horde.Net.Cluster;

/// <summary>
/// Why a process ended, as in OTP: <c>normal</c>, <c>shutdown</c>, <c>killed</c>, an exception, or a reason of the user's.
/// Reasons cross the network as their <see cref="Kind"/> and <see cref="Detail"/>; the <see cref="Exception"/> stays on its node.
/// </summary>
public sealed class ExitReason : IEquatable<ExitReason>
{
    /// <summary>The process finished its work.</summary>
    public static readonly ExitReason Normal = new("normal");

    /// <summary>The process was asked to stop, by its supervisor or its node.</summary>
    public static readonly ExitReason Shutdown = new("shutdown");

    /// <summary>Sent to end a process unconditionally; the process then exits with <see cref="Killed"/>.</summary>
    public static readonly ExitReason Kill = new("kill");

    /// <summary>The process was ended by <see cref="Kill"/> without running its terminate callback.</summary>
    public static readonly ExitReason Killed = new("killed");

    /// <summary>The process did not exist (already exited, or never started).</summary>
    public static readonly ExitReason NoProc = new("noproc");

    /// <summary>The node of the process is no longer connected.</summary>
    public static readonly ExitReason NoConnection = new("noconnection");

    private ExitReason(string kind, string? detail = null, Exception? exception = null)
    {
        Kind = kind;
        Detail = detail;
        Exception = exception;
    }

    /// <summary>The kind of reason: <c>normal</c>, <c>shutdown</c>, <c>kill</c>, <c>killed</c>, <c>noproc</c>, <c>noconnection</c>, <c>error</c>, or the user's own.</summary>
    public string Kind { get; }

    /// <summary>More about the reason: an exception's type and message, or the user's detail.</summary>
    public string? Detail { get; }

    /// <summary>The exception that ended the process, on the node where it was thrown.</summary>
    public Exception? Exception { get; }

    /// <summary>
    /// True for <c>normal</c> and <c>shutdown</c> (with or without detail): a transient child that exits so is not restarted,
    /// and a crash report is not logged.
    /// </summary>
    public bool IsNormal => Kind is "normal" or "shutdown" or "moved";

    /// <summary>True for <see cref="Moved(Pid)"/>: the process handed its state and messages to a successor.</summary>
    public bool IsMoved => Kind == "moved";

    /// <summary>A process that crashed with <paramref name="exception"/>.</summary>
    public static ExitReason Error(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new("error", $"{exception.GetType().FullName}: {exception.Message}", exception);
    }

    /// <summary>A shutdown with a detail, OTP's <c>{shutdown, Detail}</c>: normal for restart purposes.</summary>
    public static ExitReason ShutdownWith(string detail) => new("shutdown", detail);

    /// <summary>
    /// The process moved: its state and its messages went to <paramref name="successor"/> (kind <c>moved</c>, the
    /// successor's pid as detail). Normal for restart purposes: a moved child is not restarted where it was.
    /// </summary>
    public static ExitReason Moved(Pid successor)
    {
        ArgumentNullException.ThrowIfNull(successor);
        return new("moved", successor.ToString());
    }

    /// <summary>A reason of the user's own kind, for example <c>name_conflict</c>.</summary>
    public static ExitReason Custom(string kind, string? detail = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        return kind switch
        {
            "normal" when detail is null => Normal,
            "shutdown" when detail is null => Shutdown,
            "kill" when detail is null => Kill,
            "killed" when detail is null => Killed,
            "noproc" when detail is null => NoProc,
            "noconnection" when detail is null => NoConnection,
            _ => new(kind, detail),
        };
    }

    /// <inheritdoc />
    public bool Equals(ExitReason? other) => other is not null && Kind == other.Kind && Detail == other.Detail;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ExitReason other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Detail);

    /// <inheritdoc />
    public override string ToString() => Detail is null ? Kind : $"{Kind}: {Detail}";
}
