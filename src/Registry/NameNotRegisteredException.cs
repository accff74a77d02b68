namespace Horde.Net.Registry;

/// <summary>A message to a name found no process under it, even after waiting for one as long as the call allowed.</summary>
public sealed class NameNotRegisteredException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NameNotRegisteredException(string name, TimeSpan waited)
        : base($"No live process is registered under '{name}' (waited {waited.TotalMilliseconds:0} ms for one).")
    {
        Name = name;
    }

    /// <summary>The name.</summary>
    public string Name { get; }
}
