using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Horde.Net.Cluster;

/// <summary>
/// The id of a process: the node it runs on, that node's incarnation, and a serial number local
/// to that incarnation. A pid of a node that restarted never names a process of the new run.
/// </summary>
/// <remarks>
/// A pid obtained from a <see cref="Node"/> (by starting a process, in a message, or through
/// <see cref="Node.Resolve(Pid)"/>) is bound to that node and can be sent to directly. A pid made by
/// <see cref="Parse"/> is unbound until resolved. Equality compares only the id.
/// </remarks>
public sealed class Pid : IEquatable<Pid>
{
    // Cached routing: the node this handle sends through and, when the process is local, the process itself,
    // so that a local send is one queue write and no lookup.
    internal readonly Node? Home;
    internal readonly HordeProcess? Local;

    internal Pid(NodeName node, ulong incarnation, long serial, Node? home = null, HordeProcess? local = null)
    {
        Node = node;
        Incarnation = incarnation;
        Serial = serial;
        Home = home;
        Local = local;
    }

    /// <summary>The node the process runs on.</summary>
    public NodeName Node { get; }

    /// <summary>The incarnation (one run) of that node.</summary>
    public ulong Incarnation { get; }

    /// <summary>The serial number of the process within that incarnation.</summary>
    public long Serial { get; }

    /// <summary>Sends a cast: handled by <see cref="HordeProcess.HandleCastAsync(object)"/>. Never blocks, never fails; a message to a dead process is dropped.</summary>
    public void Cast(object message) => Post(new Envelope(EnvelopeKind.Cast, message));

    /// <summary>Sends a plain message: handled by <see cref="HordeProcess.HandleInfoAsync(object)"/>. Never blocks, never fails; a message to a dead process is dropped.</summary>
    public void Send(object message) => Post(new Envelope(EnvelopeKind.Info, message));

    /// <summary>
    /// Sends a request and waits for the reply of <see cref="HordeProcess.HandleCallAsync(object)"/>.
    /// </summary>
    /// <param name="message">The request.</param>
    /// <param name="timeout">How long to wait; the node's <see cref="NodeOptions.CallTimeout"/> (5 s by default) when null. Never infinite.</param>
    /// <param name="cancellationToken">Cancels the wait (the request may still be handled).</param>
    /// <exception cref="TimeoutException">No reply within the timeout.</exception>
    /// <exception cref="ProcessExitedException">The process is not running, or exited while handling the request.</exception>
    /// <exception cref="UnhandledMessageException">The process does not handle this request.</exception>
    /// <exception cref="InvalidCastException">The reply is not a <typeparamref name="TReply"/>.</exception>
    public ValueTask<TReply> CallAsync<TReply>(object message, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var home = Home ?? throw Unbound();
        var wait = timeout ?? home.Options.CallTimeout;
        if (wait <= TimeSpan.Zero || wait == Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), wait, "A call timeout must be positive and finite.");
        var reply = ReplySource<TReply>.Rent(wait, cancellationToken);
        var envelope = new Envelope(EnvelopeKind.Call, message, reply, reply.CallId);
        if (Local is { } process)
        {
            if (!process.Post(envelope))
                reply.Fail(reply.CallId, new ProcessExitedException(this, ExitReason.NoProc));
        }
        else
        {
            home.Route(this, envelope);
        }
        return reply.Task;
    }

    /// <summary>
    /// Sends an exit signal, as Erlang's <c>exit(Pid, Reason)</c>: <see cref="ExitReason.Kill"/> always ends the process
    /// (reason <see cref="ExitReason.Killed"/>); another reason ends a process that does not trap exits, or arrives as an
    /// <see cref="Exit"/> message to one that does; <see cref="ExitReason.Normal"/> is ignored by a process that does not trap exits.
    /// </summary>
    public void Exit(ExitReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        (Home ?? throw Unbound()).SendExitSignal(this, from: null, reason, linked: false);
    }

    private void Post(in Envelope envelope)
    {
        if (Local is { } process)
            process.Post(envelope);
        else
            (Home ?? throw Unbound()).Route(this, envelope);
    }

    private InvalidOperationException Unbound() =>
        new($"Pid {this} is not bound to a node; use Node.Resolve(pid) to get one that can be sent to.");

    internal bool IsOn(Node node) => Incarnation == node.Incarnation && Node == node.Name;

    /// <inheritdoc />
    public bool Equals(Pid? other) =>
        other is not null && Serial == other.Serial && Incarnation == other.Incarnation && Node == other.Node;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Pid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Serial, Incarnation, Node);

    /// <summary>Compares by id.</summary>
    public static bool operator ==(Pid? left, Pid? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares by id.</summary>
    public static bool operator !=(Pid? left, Pid? right) => !(left == right);

    /// <summary><c>&lt;name@host:port/incarnation/serial&gt;</c>, the incarnation in hexadecimal.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"<{Node}/{Incarnation:x}/{Serial}>");

    /// <summary>Parses the text of <see cref="ToString"/> into an unbound pid.</summary>
    /// <exception cref="FormatException">The text is not a pid.</exception>
    public static Pid Parse(string text) =>
        TryParse(text, out var pid) ? pid : throw new FormatException($"'{text}' is not a pid; expected <name@host:port/incarnation/serial>.");

    /// <summary>Parses the text of <see cref="ToString"/> into an unbound pid without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Pid? pid)
    {
        pid = null;
        if (text is null || text.Length < 2 || text[0] != '<' || text[^1] != '>')
            return false;
        var body = text[1..^1];
        var last = body.LastIndexOf('/');
        var middle = last > 0 ? body.LastIndexOf('/', last - 1) : -1;
        if (middle <= 0
            || !NodeName.TryParse(body[..middle], out var node)
            || !ulong.TryParse(body.AsSpan(middle + 1, last - middle - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var incarnation)
            || !long.TryParse(body.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var serial))
            return false;
        pid = new Pid(node, incarnation, serial);
        return true;
    }
}
