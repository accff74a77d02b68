using Horde.Net.Cluster.Membership;

namespace Horde.Net.Cluster.Tests.Membership;

/// <summary>Awaits membership events with a bound, failing with what was seen instead.</summary>
internal static class MembershipWaits
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task WaitForMembersAsync(this ClusterMembership membership, IEnumerable<NodeName> expected, TimeSpan? timeout = null)
    {
        NodeName[] want = [.. expected.Order()];
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, MembersChangedEventArgs e)
        {
            if (e.Members.SequenceEqual(want))
                reached.TrySetResult();
        }
        membership.MembersChanged += OnChanged;
        try
        {
            if (membership.Members.SequenceEqual(want))
                return;
            await reached.Task.WaitAsync(timeout ?? Timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{membership.Self} expected members [{string.Join(", ", want)}] within {timeout ?? Timeout}, " +
                $"has [{string.Join(", ", membership.Members)}] (listed: [{string.Join(", ", membership.ListedPeers)}]).");
        }
        finally
        {
            membership.MembersChanged -= OnChanged;
        }
    }

    public static async Task WaitForMembersAsync(this IEnumerable<ClusterMembership> memberships, IEnumerable<NodeName> expected) =>
        await Task.WhenAll(memberships.Select(m => m.WaitForMembersAsync(expected)));

    /// <summary>Polls <paramref name="condition"/> until true; for state that raises no event.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(condition, what, timeout ?? Timeout);
}

/// <summary>Records what a strategy publishes, so a test can run a strategy without a membership.</summary>
internal sealed class RecordingSink(NodeName self) : IPeerListSink
{
    private readonly Lock _lock = new();
    private readonly List<IReadOnlySet<NodeName>> _published = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeName Self { get; } = self;

    public int PublishCount
    {
        get
        {
            lock (_lock)
                return _published.Count;
        }
    }

    public IReadOnlySet<NodeName>? Latest
    {
        get
        {
            lock (_lock)
                return _published.Count == 0 ? null : _published[^1];
        }
    }

    public void Publish(IReadOnlySet<NodeName> peers)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _published.Add(peers.ToHashSet());
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
    }

    /// <summary>Waits until the latest list equals <paramref name="expected"/>.</summary>
    public Task WaitForAsync(params NodeName[] expected) =>
        WaitForAsync(l => l.SetEquals(expected), $"[{string.Join(", ", expected.Order())}]");

    public async Task WaitForAsync(Func<IReadOnlySet<NodeName>, bool> predicate, string what, TimeSpan? timeout = null)
    {
        var deadline = Task.Delay(timeout ?? MembershipWaits.Timeout, TestContext.Current.CancellationToken);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_published.Count > 0 && predicate(_published[^1]))
                    return;
                changed = _changed.Task;
            }
            if (await Task.WhenAny(changed, deadline) == deadline)
                Assert.Fail($"Timed out waiting for the strategy to list {what}; last list: [{string.Join(", ", (Latest ?? new HashSet<NodeName>()).Order())}].");
        }
    }
}
