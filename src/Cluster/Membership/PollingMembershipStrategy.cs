using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Horde.Net.Cluster.Membership;

/// <summary>
/// A strategy that asks a source for the whole peer list every <see cref="PollingInterval"/>.
/// A poll that fails keeps the previous list (a flaky DNS server or API server must not split the
/// cluster); the failure is logged when it starts or changes, and the recovery once.
/// </summary>
public abstract class PollingMembershipStrategy : IMembershipStrategy
{
    private string? _lastError;

    /// <summary>Creates the strategy.</summary>
    protected PollingMembershipStrategy(string topology, TimeSpan pollingInterval, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topology);
        if (pollingInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(pollingInterval), pollingInterval, "The polling interval must be positive.");
        Topology = topology;
        PollingInterval = pollingInterval;
        Logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Topology { get; }

    /// <summary>How long between two polls.</summary>
    public TimeSpan PollingInterval { get; }

    /// <summary>Where the strategy logs.</summary>
    protected ILogger Logger { get; }

    /// <summary>Reads the current peers. Throwing keeps the previous list.</summary>
    /// <param name="self">The node the strategy runs on.</param>
    /// <param name="cancellationToken">Cancelled when the strategy stops.</param>
    protected abstract Task<IReadOnlySet<NodeName>> PollAsync(NodeName self, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async Task RunAsync(IPeerListSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        using var timer = new PeriodicTimer(PollingInterval);
        do
        {
            await PollOnceAsync(sink, cancellationToken);
        }
        while (await WaitAsync(timer, cancellationToken));
    }

    internal static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Messages carry query ids and such; the kind of failure is what decides whether it is news.
    private static string FailureKind(Exception e) => e switch
    {
        DnsClient.DnsResponseException dns => $"{e.GetType().FullName}:{dns.Code}",
        HttpRequestException http => $"{e.GetType().FullName}:{http.StatusCode}",
        _ => $"{e.GetType().FullName}:{e.Message}",
    };

    private async Task PollOnceAsync(IPeerListSink sink, CancellationToken cancellationToken)
    {
        IReadOnlySet<NodeName> peers;
        try
        {
            peers = await PollAsync(sink.Self, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            var kind = FailureKind(e);
            if (kind != _lastError)
                MembershipLog.PollFailed(Logger, Topology, e.Message, e);
            _lastError = kind;
            return;
        }
        if (_lastError is not null)
            MembershipLog.PollRecovered(Logger, Topology);
        _lastError = null;
        sink.Publish(peers);
    }
}
