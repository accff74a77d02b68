namespace Horde.Net.TestKit;

/// <summary>Bounded polling for conditions that no event announces.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => TrueAsync(condition, () => what, timeout);

    /// <summary>The same with a failure message read at the end, so it tells the state that failed, not the one at the start.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out after {bound.TotalSeconds:0.#} s waiting until {what()}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The same for a condition that must be awaited (a command to a node in another process); <paramref name="what"/> is read at the end.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out after {bound.TotalSeconds:0.#} s waiting until {what()}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
