using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace ExCluster.Demo;

/// <summary>
/// The client of the proof: creates orders, then appends one unique integer at a time to random orders from several
/// workers, each the only writer of its orders (so an order's items must equal its acknowledged appends, in order).
/// A request goes to any serving node; it is sent again, to another node, only when the connection was refused (the
/// request never left). Any other error, or a status other than 200, is a failed request.
/// </summary>
public sealed class OrderClient : IDisposable
{
    private static readonly TimeSpan RefusedFor = TimeSpan.FromSeconds(30);
    private readonly LocalCluster _cluster;
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly OrderLog[] _orders;
    private readonly int _workers;
    private readonly ConcurrentQueue<string> _failures = new();
    private CancellationTokenSource? _stop;
    private Task? _running;
    private int _nextValue;
    private int _createRetries;
    private long _acknowledged;
    private long _failed;
    private long _refused;
    private long _longestWaitTicks;
    private string _longestWaitOrder = "";

    public OrderClient(LocalCluster cluster, int orders, int workers)
    {
        _cluster = cluster;
        _workers = workers;
        _orders = [.. Enumerable.Range(0, orders).Select(i => new OrderLog($"customer{i}"))];
    }

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Requests sent again to another node after a refused connection.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The longest any request waited for its answer (retries included): how long its order was unavailable.</summary>
    public TimeSpan LongestWait => TimeSpan.FromTicks(Interlocked.Read(ref _longestWaitTicks));

    public string LongestWaitOrder => Volatile.Read(ref _longestWaitOrder);

    /// <summary>The first failures, described.</summary>
    public IReadOnlyList<string> Failures => [.. _failures];

    /// <summary>PUTs sent again after a failure while creating the orders (a PUT is idempotent, so that is safe).</summary>
    public int CreateRetries => Volatile.Read(ref _createRetries);

    /// <summary>Creates every order (PUT), several at a time; a failed PUT is sent again, up to 5 times.</summary>
    public Task CreateOrdersAsync() =>
        Parallel.ForEachAsync(_orders, new ParallelOptions { MaxDegreeOfParallelism = _workers }, async (order, _) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                if (await SendAsync(order, HttpMethod.Put, $"orders/{order.Customer}", null, countFailure: attempt == 5) is { } view)
                {
                    order.Seen(view.Node);
                    return;
                }
                if (attempt == 5)
                    return;
                Interlocked.Increment(ref _createRetries);
            }
        });

    /// <summary>Starts the appending workers.</summary>
    public void Start()
    {
        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _running = Task.WhenAll(Enumerable.Range(0, _workers).Select(w => Task.Run(() => AppendAsync(w, token))));
    }

    /// <summary>Stops the workers after their requests in flight are answered.</summary>
    public async Task StopAsync()
    {
        if (_stop is null || _running is null)
            return;
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
        _stop = null;
    }

    private async Task AppendAsync(int worker, CancellationToken stop)
    {
        var mine = _orders.Where((_, i) => i % _workers == worker).ToArray();
        while (!stop.IsCancellationRequested)
        {
            var order = mine[Random.Shared.Next(mine.Length)];
            var value = Interlocked.Increment(ref _nextValue);
            order.Sending(value);
            if (await SendAsync(order, HttpMethod.Post, $"orders/{order.Customer}/items", [value]) is { } view)
            {
                order.Acknowledged(value, view.Node);
                Interlocked.Increment(ref _acknowledged);
            }
        }
    }

    /// <summary>One request and its retries after refused connections; null when it failed (counted).</summary>
    private async Task<OrderView?> SendAsync(OrderLog order, HttpMethod method, string path, int[]? body, bool countFailure = true)
    {
        var clock = Stopwatch.StartNew();
        Uri? refusedBy = null;
        while (true)
        {
            var serving = _cluster.Serving.Where(u => u != refusedBy).ToList();
            if (serving.Count == 0)
                serving = [.. _cluster.Serving];
            if (serving.Count == 0 || clock.Elapsed > RefusedFor)
            {
                if (clock.Elapsed > RefusedFor)
                    return Fail(order, countFailure, $"{method} {path}: every node refused the connection for {RefusedFor.TotalSeconds:0} s");
                await Task.Delay(50);
                continue;
            }
            var node = serving[Random.Shared.Next(serving.Count)];
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(node, path)) { Content = body is null ? null : JsonContent.Create(body) };
                using var response = await _http.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                    return Fail(order, countFailure, $"{method} {path} on {node.Port}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                var view = await response.Content.ReadFromJsonAsync<OrderView>();
                Waited(order, clock.Elapsed);
                return view;
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                Interlocked.Increment(ref _refused);
                refusedBy = node; // never sent: another node may take it
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                return Fail(order, countFailure, $"{method} {path} on {node.Port}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private OrderView? Fail(OrderLog order, bool count, string why)
    {
        if (!count)
            return null;
        Interlocked.Increment(ref _failed);
        if (_failures.Count < 20)
            _failures.Enqueue($"{order.Customer}: {why}");
        return null;
    }

    private void Waited(OrderLog order, TimeSpan waited)
    {
        long seen;
        while (waited.Ticks > (seen = Interlocked.Read(ref _longestWaitTicks)))
        {
            if (Interlocked.CompareExchange(ref _longestWaitTicks, waited.Ticks, seen) == seen)
            {
                Volatile.Write(ref _longestWaitOrder, order.Customer);
                break;
            }
        }
    }

    /// <summary>
    /// Reads every order (the client is stopped) and compares it with what was acknowledged. <paramref name="kills"/> are
    /// the nodes killed and when; an acknowledged append to an order on a killed node within <paramref name="lossWindow"/>
    /// before the kill is one a checkpoint may not have saved, and counts towards the loss bound. Lost appends
    /// acknowledged before <paramref name="settled"/> are counted apart.
    /// </summary>
    public async Task<Check> CheckAsync(IReadOnlyList<Replacement> kills, TimeSpan lossWindow, DateTime? settled = null)
    {
        var problems = new ConcurrentQueue<string>();
        var lost = 0;
        var lostSettled = 0;
        var lostOutside = 0;
        var duplicated = 0;
        var unexpected = 0;
        var outOfOrder = 0;
        var bound = 0;
        var moved = 0;
        await Parallel.ForEachAsync(_orders, new ParallelOptions { MaxDegreeOfParallelism = _workers }, async (order, _) =>
        {
            var view = await SendAsync(order, HttpMethod.Get, $"orders/{order.Customer}", null);
            if (view is null)
            {
                problems.Enqueue($"{order.Customer}: could not be read");
                Interlocked.Add(ref lost, order.Acks.Count);
                return;
            }
            order.Seen(view.Node);
            var verdict = order.Compare(view.Items, kills, lossWindow, settled ?? DateTime.MinValue);
            Interlocked.Add(ref lost, verdict.Lost);
            Interlocked.Add(ref lostSettled, verdict.LostSettled);
            Interlocked.Add(ref lostOutside, verdict.LostOutsideWindow);
            Interlocked.Add(ref duplicated, verdict.Duplicated);
            Interlocked.Add(ref unexpected, verdict.Unexpected);
            Interlocked.Add(ref outOfOrder, verdict.OutOfOrder ? 1 : 0);
            Interlocked.Add(ref bound, verdict.AtRisk);
            Interlocked.Add(ref moved, order.Moves);
            if (verdict.LostOutsideWindow + verdict.Duplicated + verdict.Unexpected > 0 || verdict.OutOfOrder || (verdict.Lost > 0 && kills.Count == 0))
                problems.Enqueue($"{order.Customer} on {view.Node}: {verdict}");
        });
        return new Check(_orders.Length, Acknowledged, lost, lostSettled, lostOutside, bound, duplicated, unexpected, outOfOrder, Failed, Refused, LongestWait, LongestWaitOrder,
            moved, [.. problems.Take(20)], Failures);
    }

    public void Dispose()
    {
        _stop?.Dispose();
        _http.Dispose();
    }
}
