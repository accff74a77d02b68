namespace Horde.Net.Cluster.Transport;

/// <summary>What one envelope on the wire does.</summary>
internal enum WireKind : byte
{
    Cast = 1,
    Info = 2,
    Call = 3,
    Reply = 4,
    ReplyError = 5,
    ExitSignal = 6,
    Link = 7,
    Unlink = 8,
    Monitor = 9,
    Demonitor = 10,
    WhereIs = 11,
    WhereIsReply = 12,

    /// <summary>A call with the caller's W3C traceparent after its call id; sent only when a span is being recorded.</summary>
    TracedCall = 13,
}

/// <summary>Why a remote call failed, as carried by a <see cref="WireKind.ReplyError"/>.</summary>
internal enum ReplyErrorKind : byte
{
    Exited = 1,
    Unhandled = 2,
    Failed = 3,
}

/// <summary>One envelope waiting to be written; a payload is already encoded (<see cref="Bytes"/>, of type <see cref="TypeId"/>) so that the queue's bytes are known.</summary>
internal readonly record struct Outgoing(
    WireKind Kind,
    long Target = 0,
    long From = 0,
    long CallId = 0,
    ExitReason? Reason = null,
    string? Text = null,
    bool Flag = false,
    int TypeId = 0,
    byte[]? Bytes = null);
