namespace Horde.Net.Cluster;

/// <summary>A call could not be answered because the process is not running or ended while handling it.</summary>
public sealed class ProcessExitedException : Exception
{
    /// <summary>Creates the exception for <paramref name="pid"/> that ended with <paramref name="reason"/>.</summary>
    public ProcessExitedException(Pid pid, ExitReason reason)
        : base($"Process {pid} exited ({reason}).", reason.Exception)
    {
        Pid = pid;
        Reason = reason;
    }

    /// <summary>The process.</summary>
    public Pid Pid { get; }

    /// <summary>Why it ended; <see cref="ExitReason.NoProc"/> when it was not running.</summary>
    public ExitReason Reason { get; }
}

/// <summary>A process's init failed, so it did not start.</summary>
public sealed class ProcessStartException : Exception
{
    /// <summary>Creates the exception for a process whose init ended with <paramref name="reason"/>.</summary>
    public ProcessStartException(Type processType, ExitReason reason)
        : base($"Process {processType.Name} failed to start ({reason}).", reason.Exception)
    {
        Reason = reason;
    }

    /// <summary>Why init failed.</summary>
    public ExitReason Reason { get; }
}

/// <summary>The process has no handler for the request it was called with; the process keeps running.</summary>
public sealed class UnhandledMessageException : Exception
{
    /// <summary>Creates the exception for <paramref name="messageType"/> sent to <paramref name="pid"/>.</summary>
    public UnhandledMessageException(Pid pid, Type messageType)
        : this(pid, messageType.FullName ?? messageType.Name)
    {
        MessageType = messageType;
    }

    /// <summary>Creates the exception for a request of the type named <paramref name="messageTypeName"/>, reported by another node.</summary>
    public UnhandledMessageException(Pid pid, string messageTypeName)
        : base($"Process {pid} does not handle {messageTypeName}.")
    {
        MessageTypeName = messageTypeName;
    }

    /// <summary>The type of the unhandled request, when it was handled on this node.</summary>
    public Type? MessageType { get; }

    /// <summary>The full name of the type of the unhandled request.</summary>
    public string MessageTypeName { get; }
}

/// <summary>A name is already registered to another process.</summary>
public sealed class NameTakenException : Exception
{
    /// <summary>Creates the exception for <paramref name="name"/> held by <paramref name="holder"/>.</summary>
    public NameTakenException(string name, Pid holder)
        : base($"The name '{name}' is already registered to {holder}.")
    {
        Name = name;
        Holder = holder;
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The process that holds it.</summary>
    public Pid Holder { get; }
}
