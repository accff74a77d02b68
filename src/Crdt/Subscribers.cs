namespace Horde.Net.Crdt;

/// <summary>Raises an event to each subscriber on its own, so that one that throws neither stops the others nor its caller.</summary>
internal static class Subscribers
{
    public static void RaiseEach<T>(Action<T>? handlers, T argument, Action<Exception> failed)
    {
        if (handlers is null)
        {
            return;
        }

        if (handlers.HasSingleTarget)
        {
            // The usual case (a replica's host, a registry): no invocation list to allocate per change.
            try
            {
                handlers(argument);
            }
#pragma warning disable CA1031 // as below
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed(e);
            }

            return;
        }

        foreach (var subscriber in handlers.GetInvocationList())
        {
            try
            {
                ((Action<T>)subscriber)(argument);
            }
#pragma warning disable CA1031 // a subscriber's failure is the subscriber's; it is reported and the rest go on
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed(e);
            }
        }
    }
}
