namespace Horde.Net.Scenarios;

/// <summary>Runs an asynchronous operation over many items with a bounded number in flight.</summary>
public static class Windowed
{
    /// <summary>Calls <paramref name="body"/> for every item, at most <paramref name="inFlight"/> at a time; the results in item order.</summary>
    public static async Task<TResult[]> RunAsync<TItem, TResult>(IEnumerable<TItem> items, int inFlight, Func<TItem, int, Task<TResult>> body)
    {
        using var window = new SemaphoreSlim(inFlight);
        return await Task.WhenAll(items.Select(async (item, i) =>
        {
            await window.WaitAsync();
            try
            {
                return await body(item, i);
            }
            finally
            {
                window.Release();
            }
        }));
    }

    /// <summary>Calls <paramref name="body"/> for every item, at most <paramref name="inFlight"/> at a time.</summary>
    public static Task RunAsync<TItem>(IEnumerable<TItem> items, int inFlight, Func<TItem, int, Task> body) =>
        RunAsync(items, inFlight, async (item, i) =>
        {
            await body(item, i);
            return true;
        });
}
