namespace Horde.Net.TestKit;

/// <summary>Bounded polling for conditions that no event announces.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out after {bound.TotalSeconds:0.#} s waiting until {what}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>As <see cref="TrueAsync(Func{bool}, string, TimeSpan?)"/>, with <paramref name="details"/> (what is still wrong) in the failure message.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout, Func<string> details)
    {
        try
        {
            await TrueAsync(condition, what, timeout);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message} Still: {details()}");
        }
    }
}
