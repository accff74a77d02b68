using System.Diagnostics;

namespace Horde.Net.Cluster;

/// <summary>
/// The library's <see cref="ActivitySource"/>: a call to a process on another node is a client span on the caller's node
/// and a server span on the callee's, in one trace (the W3C trace context travels with the call); the layers above add
/// their own spans on it (a handoff is one). Subscribe with <c>AddSource(HordeTracing.SourceName)</c>.
/// </summary>
public static class HordeTracing
{
    /// <summary>The name of the source: <c>Horde.Net</c>.</summary>
    public const string SourceName = "Horde.Net";

    /// <summary>The source every layer starts its spans on.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// Starts a span without making it <see cref="Activity.Current"/> for the rest of the caller's flow (a span that
    /// ends elsewhere, as when a reply arrives, must not become the parent of whatever the caller does next).
    /// Null, at no cost, when nothing listens.
    /// </summary>
    public static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent = default)
    {
        if (!Source.HasListeners())
            return null;
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, kind, parent);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Ends a span, marked as an error if <paramref name="error"/> is set.</summary>
    public static void End(Activity? activity, string? error = null)
    {
        if (activity is null)
            return;
        if (error is not null)
            activity.SetStatus(ActivityStatusCode.Error, error);
        var previous = Activity.Current;
        activity.Stop();
        Activity.Current = previous;
    }
}
