using Microsoft.Extensions.Logging;

namespace Horde.Net.Cluster;

/// <summary>
/// A process: an object with a private mailbox that handles one message at a time, as an Erlang process running a
/// gen_server. Derive from it (or from <see cref="GenServer{TState}"/>) and override the handlers you need; start it with
/// <see cref="Node.StartAsync(Func{HordeProcess}, StartOptions?, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// An exception thrown by a handler ends the process with <see cref="ExitReason.Error(Exception)"/>: its terminate callback
/// runs, a caller waiting on the request gets <see cref="ProcessExitedException"/>, linked processes get the exit signal and
/// monitors fire. Other processes and the node are not affected.
/// </remarks>
public abstract partial class HordeProcess : IThreadPoolWorkItem
{
    private const int Alive = 0, Dying = 1, Dead = 2;

    private readonly Mailbox _mailbox = new();
    private readonly TaskCompletionSource<ExitReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Node? _node;
    private Pid? _self;
    private Pid? _parent;
    private TaskCompletionSource<Pid>? _started;
    private ILogger? _logger;
    private CancellationTokenSource? _stopping;
    private volatile bool _trapExits;
    private int _state;
    private ExitReason? _exitReason;
    private ExitReason? _stopRequest;
    private bool _replyDeferred;
    private List<string>? _names;

    /// <summary>This process's id.</summary>
    public Pid Self => _self ?? throw new InvalidOperationException("The process has not been started.");

    /// <summary>The node the process runs on.</summary>
    protected Node Node => _node ?? throw new InvalidOperationException("The process has not been started.");

    /// <summary>The process that started it linked, if any: an exit signal from it stops a process that traps exits.</summary>
    protected Pid? Parent => _parent;

    /// <summary>A logger named for the process type.</summary>
    protected ILogger Logger => _logger ??= Node.LoggerFactory.CreateLogger(GetType());

    /// <summary>
    /// When true, exit signals from linked processes arrive as <see cref="Exit"/> messages instead of ending this process,
    /// and an exit signal from <see cref="Parent"/> (or a stop by the node) runs <see cref="TerminateAsync(ExitReason)"/>.
    /// Set it in <see cref="InitAsync"/>.
    /// </summary>
    protected bool TrapExits
    {
        get => _trapExits;
        set => _trapExits = value;
    }

    /// <summary>Cancelled when the process is killed or exits, so that long handler work can give up.</summary>
    protected CancellationToken Stopping
    {
        get
        {
            if (_stopping is null)
            {
                Interlocked.CompareExchange(ref _stopping, new CancellationTokenSource(), null);
                if (Volatile.Read(ref _state) == Dead)
                    _stopping.Cancel();
            }
            return _stopping.Token;
        }
    }

    /// <summary>Why the process ended; null while it runs.</summary>
    public ExitReason? ExitReason => Volatile.Read(ref _state) == Dead ? _exitReason : null;

    internal bool IsAlive => Volatile.Read(ref _state) == Alive;

    internal bool IsAttached => _node is not null;

    internal Node? NodeOrNull => _node;

    internal Task<ExitReason> Completion => _completion.Task;

    /// <summary>Runs before the first message. An exception here fails the start; the process never runs.</summary>
    protected virtual ValueTask InitAsync() => default;

    /// <summary>Handles a request and returns the reply (see <see cref="Reply(object?)"/>, <see cref="DeferReply"/>).</summary>
    protected virtual ValueTask<object?> HandleCallAsync(object message) => Unhandled(message);

    /// <summary>Handles a fire-and-forget message sent with <see cref="Pid.Cast(object)"/>. The default logs and drops it.</summary>
    protected virtual ValueTask HandleCastAsync(object message)
    {
        LogUnhandled(message);
        return default;
    }

    /// <summary>
    /// Handles any other message: those sent with <see cref="Pid.Send(object)"/>, <see cref="Down"/> from monitors and
    /// <see cref="Exit"/> when trapping exits. The default logs and drops it.
    /// </summary>
    protected virtual ValueTask HandleInfoAsync(object message)
    {
        LogUnhandled(message);
        return default;
    }

    /// <summary>
    /// Runs when the process stops: after a handler threw, after <see cref="Stop(ExitReason?)"/>, or on shutdown when it
    /// traps exits. Not run when the process is killed, or when an exit signal ends a process that does not trap exits.
    /// </summary>
    protected virtual ValueTask TerminateAsync(ExitReason reason) => default;

    /// <summary>A reply, for use in <see cref="HandleCallAsync(object)"/>: <c>return Reply(value);</c></summary>
    protected static ValueTask<object?> Reply(object? value) => new(value);

    /// <summary>
    /// Fails the request with <paramref name="error"/>, which the caller's <see cref="Pid.CallAsync{TReply}(object, TimeSpan?, CancellationToken)"/>
    /// throws; the process goes on (a thrown exception would end it instead).
    /// </summary>
    protected static ValueTask<object?> ReplyError(Exception error) => new(new ErrorReply(error));

    /// <summary>
    /// The answer to a request this process does not handle: the caller gets <see cref="UnhandledMessageException"/>
    /// and the process goes on.
    /// </summary>
    protected ValueTask<object?> Unhandled(object message) =>
        ValueTask.FromException<object?>(new UnhandledMessageException(Self, message.GetType()));

    /// <summary>
    /// Keeps the current request open after <see cref="HandleCallAsync(object)"/> returns (its return value is then
    /// ignored): the process answers later through the handle, as OTP's <c>{noreply, State}</c> with <c>gen_server:reply</c>.
    /// </summary>
    protected DeferredReply DeferReply()
    {
        if (!_inCall)
            throw new InvalidOperationException("DeferReply can only be used while handling a call.");
        _replyDeferred = true;
        return DeferCurrentCall();
    }

    /// <summary>Stops this process after the current message: terminate runs, then the process exits with <paramref name="reason"/> (normal by default).</summary>
    protected void Stop(ExitReason? reason = null) => _stopRequest = reason ?? ExitReason.Normal;

    internal void Attach(Node node, Pid self, Pid? parent, TaskCompletionSource<Pid> started)
    {
        _node = node;
        _self = self;
        _parent = parent;
        _started = started;
    }

    internal Pid? ParentPid => _parent;

    internal void AddName(string name)
    {
        lock (_sync)
            (_names ??= []).Add(name);
    }

    internal void RemoveName(string name)
    {
        lock (_sync)
            _names?.Remove(name);
    }

    internal string[] TakeNames()
    {
        lock (_sync)
        {
            string[] names = _names is null ? [] : [.. _names];
            _names = null;
            return names;
        }
    }


    private void LogUnhandled(object message) =>
        Logger.LogWarning("Process {Pid} ({Type}) dropped an unhandled {MessageType}.", Self, GetType().Name, message.GetType().FullName);
}

/// <summary>A request whose answer a process gives later; see <see cref="HordeProcess.DeferReply"/>.</summary>
/// <remarks>If the process ends first, the caller fails at once with the exit reason and a later answer is ignored.</remarks>
public readonly struct DeferredReply
{
    private readonly HordeProcess? _owner;
    private readonly IReplySink? _sink;
    private readonly long _callId;

    internal DeferredReply(HordeProcess owner, IReplySink sink, long callId)
    {
        _owner = owner;
        _sink = sink;
        _callId = callId;
    }

    /// <summary>Answers the caller. A second answer, one after the caller gave up, or one after the process ended is ignored.</summary>
    public void Reply(object? value)
    {
        if (_owner?.ClaimDeferred(_sink!, _callId) == true)
            _sink!.Reply(_callId, value);
    }

    /// <summary>Fails the caller's request with <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        if (_owner?.ClaimDeferred(_sink!, _callId) == true)
            _sink!.Fail(_callId, error);
    }
}
