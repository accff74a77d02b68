namespace Horde.Net.Cluster;

internal enum EnvelopeKind : byte
{
    Cast,
    Info,
    Call,
}

/// <summary>One mailbox entry. A struct, so that a local send allocates nothing beyond the message.</summary>
internal readonly struct Envelope(EnvelopeKind kind, object message, IReplySink? replyTo = null, long callId = 0)
{
    public readonly EnvelopeKind Kind = kind;
    public readonly object Message = message;

    /// <summary>For a call: where the reply goes, and the id that keeps a late reply from answering a newer call.</summary>
    public readonly IReplySink? ReplyTo = replyTo;
    public readonly long CallId = callId;

    public void Reply(object? value) => ReplyTo?.Reply(CallId, value);

    public void Fail(Exception error) => ReplyTo?.Fail(CallId, error);
}

/// <summary>Receives the answer to a call: a waiting caller on this node, or a connection to the caller's node.</summary>
internal interface IReplySink
{
    void Reply(long callId, object? value);

    void Fail(long callId, Exception error);

    /// <summary>False once the call was answered, failed, timed out or cancelled.</summary>
    bool IsPending(long callId);

    /// <summary>The span the call is handled under (a remote caller's call, traced), made current for its handler.</summary>
    System.Diagnostics.Activity? SpanOf(long callId) => null;
}
