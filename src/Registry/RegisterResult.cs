using Horde.Net.Cluster;

namespace Horde.Net.Registry;

/// <summary>The answer to a register: the name is now the caller's, or another process holds it.</summary>
/// <param name="IsRegistered">True if the process given now holds the name.</param>
/// <param name="Holder">The process holding the name: the one given when registered, the other one otherwise.</param>
public readonly record struct RegisterResult(bool IsRegistered, Pid Holder)
{
    /// <summary>The name is registered to <paramref name="pid"/>.</summary>
    public static RegisterResult Registered(Pid pid) => new(true, pid);

    /// <summary>The name is held by <paramref name="holder"/> (which may be the process given, registered before).</summary>
    public static RegisterResult AlreadyRegistered(Pid holder) => new(false, holder);

    /// <inheritdoc />
    public override string ToString() => IsRegistered ? $"Registered({Holder})" : $"AlreadyRegistered({Holder})";
}
