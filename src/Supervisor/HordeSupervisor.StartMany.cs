using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

// Many starts at once: the specs are placed, grouped by the member that runs them, and each member gets one request
// with its whole group, which it starts concurrently (its registry and map writes share batches per mailbox pass), so
// starting N children costs one round trip per member rather than N awaited one at a time.
public sealed partial class HordeSupervisor
{
    /// <summary>
    /// Starts every child of <paramref name="specs"/>, each on the member the strategy picks, with one request per member.
    /// The answers are in the order of <paramref name="specs"/>, with the same meaning as
    /// <see cref="StartChildAsync(HordeChildSpec, TimeSpan?)"/>'s (an id that runs, or comes twice, answers
    /// <see cref="StartChildStatus.AlreadyStarted"/>: never a second instance).
    /// </summary>
    public async Task<StartChildResult[]> StartChildrenAsync(IReadOnlyList<HordeChildSpec> specs, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var wait = timeout ?? Options.CallTimeout;
        var results = new StartChildResult[specs.Count];
        var groups = new Dictionary<NodeName, List<int>>();
        var members = LiveMembers();
        var quorum = HasQuorum;
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            ArgumentNullException.ThrowIfNull(spec);
            ArgumentException.ThrowIfNullOrWhiteSpace(spec.Id);
            if (Refuse(spec, members, quorum) is { } refused)
                results[i] = refused;
            else if (Options.Strategy.ChooseNode(spec.Id, members) is not { } target)
                results[i] = StartChildResult.Failed($"Supervisor '{Name}': the strategy placed '{spec.Id}' nowhere.");
            else
                (groups.TryGetValue(target, out var group) ? group : groups[target] = []).Add(i);
        }
        await Task.WhenAll(groups.Select(async group =>
        {
            var request = new SupervisorStartManyRequest([.. group.Value.Select(i => specs[i])], 0);
            var answers = await StartManyOnAsync(group.Key, request, wait);
            for (var j = 0; j < group.Value.Count; j++)
                results[group.Value[j]] = answers[j];
        }));
        return results;
    }

    /// <summary>Why <paramref name="spec"/> is not placed at all (or that it runs already), or null to place it.</summary>
    private StartChildResult? Refuse(HordeChildSpec spec, IReadOnlyList<NodeName> members, bool quorum)
    {
        if (Options.ChildTypes.Factory(spec.Type, null) is null)
            return StartChildResult.Failed($"Child type '{spec.Type}' is not registered with supervisor '{Name}'; add it with AddChildType on every node.");
        if (_registry.Lookup(spec.Id) is { } running)
            return StartChildResult.AlreadyStarted(running.Pid);
        if (members.Count == 0)
            return StartChildResult.Failed($"Supervisor '{Name}' has no live members ({Describe(Members)}).");
        if (!quorum)
            return StartChildResult.Failed($"Supervisor '{Name}': quorum not met ({Describe(Members)}).");
        return null;
    }

    private async Task<StartChildResult[]> StartManyOnAsync(NodeName target, SupervisorStartManyRequest request, TimeSpan timeout)
    {
        if (target == _node.Name)
            return await HandleStartManyAsync(request, timeout);
        try
        {
            var process = await _node.WhereIsAsync(target, ProcessName, timeout)
                ?? throw new SupervisorException($"Node {target} runs no supervisor '{Name}'.");
            var reply = await process.CallAsync<SupervisorStartManyReply>(request, timeout);
            return [.. reply.Results.Select(StartChildResult.From)];
        }
        catch (Exception e) when (e is TimeoutException or ProcessExitedException or InvalidOperationException or SupervisorException or RemoteCallException)
        {
            var failed = StartChildResult.Failed($"Supervisor '{Name}': starting {request.Specs.Length} children on {target} failed: {e.Message}");
            return [.. request.Specs.Select(_ => failed)];
        }
    }

    /// <summary>A group of starts for this member: each as <see cref="HandleStartAsync"/> does it, all at once.</summary>
    internal Task<StartChildResult[]> HandleStartManyAsync(SupervisorStartManyRequest request, TimeSpan timeout) =>
        Task.WhenAll(request.Specs.Select(spec => HandleStartAsync(new SupervisorStartRequest(spec, request.Hops, null, 0), timeout)));
}
