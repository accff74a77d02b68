using System.Collections.Concurrent;
using System.Diagnostics;

namespace Horde.Net.Cluster.Transport;

// Spans of remote calls. A call is sent as TracedCall, carrying the client span's W3C traceparent, only when the span
// exists (something listens to HordeTracing.Source); otherwise it is a plain Call and the wire carries nothing more.
internal sealed partial class PeerConnection
{
    private readonly ConcurrentDictionary<long, Activity> _clientSpans = new();
    private readonly ConcurrentDictionary<long, Activity> _serverSpans = new();

    /// <summary>Starts the client span of an outgoing call; its traceparent, or null when nothing listens.</summary>
    private string? StartClientSpan(long callId, object? message)
    {
        if (HordeTracing.StartDetached("horde.call", ActivityKind.Client, Activity.Current?.Context ?? default) is not { } span)
            return null;
        span.SetTag("horde.peer", Peer.ToString());
        span.SetTag("horde.message", message?.GetType().Name);
        _clientSpans[callId] = span;
        return span.Id;
    }

    private void EndClientSpan(long callId, string? error = null)
    {
        if (!_clientSpans.IsEmpty && _clientSpans.TryRemove(callId, out var span))
            HordeTracing.End(span, error);
    }

    /// <summary>Starts the server span of an incoming traced call, a child of the caller's span.</summary>
    private void StartServerSpan(long callId, string? traceparent)
    {
        if (!ActivityContext.TryParse(traceparent, null, out var parent))
            return;
        if (HordeTracing.StartDetached("horde.call", ActivityKind.Server, parent) is not { } span)
            return;
        span.SetTag("horde.peer", Peer.ToString());
        _serverSpans[callId] = span;
    }

    public Activity? SpanOf(long callId) =>
        !_serverSpans.IsEmpty && _serverSpans.TryGetValue(callId, out var span) ? span : null;

    private void EndServerSpan(long callId, string? error = null)
    {
        if (!_serverSpans.IsEmpty && _serverSpans.TryRemove(callId, out var span))
            HordeTracing.End(span, error);
    }

    private void EndAllSpans()
    {
        foreach (var (callId, _) in _clientSpans)
            EndClientSpan(callId, "connection closed");
        foreach (var (callId, _) in _serverSpans)
            EndServerSpan(callId, "connection closed");
    }
}
