namespace Horde.Net.Cluster;

// Who answers a call: the handler when it finishes, a deferred reply later, or death, whichever claims it first. The
// call being handled sits in one slot published with a full fence, and death empties the slot with another, so that
// either death sees the call and fails it, or the loop sees death before it runs the handler (Dekker's handshake).
public abstract partial class HordeProcess
{
    private IReplySink? _callSink;
    private long _callId;
    private long _callSlot; // 0 when no call is being handled, else the token of the one that is
    private long _callTokens;
    private bool _inCall;
    private HashSet<(IReplySink Sink, long CallId)>? _deferred;

    /// <summary>Takes a call into the slot; false when the process died first: the call is then failed, not handled.</summary>
    private bool BeginCall(in Envelope call)
    {
        _replyDeferred = false;
        _callSink = call.ReplyTo;
        _callId = call.CallId;
        _inCall = true;
        Interlocked.Exchange(ref _callSlot, ++_callTokens);
        if (Volatile.Read(ref _state) == Alive)
            return true;
        _inCall = false;
        if (TakeCallSlot())
            FailCall(call);
        return false;
    }

    /// <summary>Ends the handling of the current call; true if the handler may still answer it (death did not claim it).</summary>
    private bool EndCall()
    {
        _inCall = false;
        return TakeCallSlot();
    }

    private bool TakeCallSlot() => Interlocked.Exchange(ref _callSlot, 0) != 0;

    /// <summary>Moves the current call from the slot to the deferred set; a no-op handle if death claimed it already.</summary>
    private DeferredReply DeferCurrentCall()
    {
        lock (_sync)
        {
            if (!TakeCallSlot())
                return default;
            (_deferred ??= []).Add((_callSink!, _callId));
            return new DeferredReply(this, _callSink!, _callId);
        }
    }

    /// <summary>True once for a deferred call still owed an answer.</summary>
    internal bool ClaimDeferred(IReplySink sink, long callId)
    {
        lock (_sync)
            return _deferred?.Remove((sink, callId)) == true;
    }

    /// <summary>Under the lock, as the process starts dying: the calls it can no longer answer.</summary>
    private List<(IReplySink Sink, long CallId)>? TakeUnansweredCalls()
    {
        List<(IReplySink, long)>? calls = null;
        if (TakeCallSlot())
            (calls = []).Add((_callSink!, _callId));
        if (_deferred is { Count: > 0 } deferred)
            (calls ??= []).AddRange(deferred);
        _deferred = null;
        return calls;
    }
}
