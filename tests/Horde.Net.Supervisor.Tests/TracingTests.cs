using System.Diagnostics;
using Horde.Net.Supervisor;

namespace Horde.Net.Supervisor.Tests;

public sealed class TracingTests
{
    [Fact]
    public async Task Each_handoff_of_a_drain_is_a_span_and_the_call_that_starts_the_successor_is_part_of_its_trace()
    {
        using var spans = new SpanRecorder();
        await using var cluster = await SupervisorCluster.StartAsync(2);
        for (var i = 0; i < 10; i++)
            (await cluster[0].StartChildAsync(SupervisorCluster.Spec($"t-{i}"))).EnsureRunning();
        var leaving = cluster[1].LocalChildren();
        Assert.NotEmpty(leaving);

        await cluster.Nodes[1].StopAsync();

        // Other tests' handoffs may be recorded too: ours are the children of node 1.
        var handoffs = spans.Stopped.Where(s => s.OperationName == "horde.supervisor.handoff" && leaving.Contains(s.GetTagItem("horde.child"))).ToList();
        Assert.Equal(leaving.Order(), handoffs.Select(s => (string)s.GetTagItem("horde.child")!).Order());
        Assert.All(handoffs, s => Assert.Equal(ActivityStatusCode.Unset, s.Status));
        var calls = spans.Stopped.Where(s => s.Kind == ActivityKind.Client && s.ParentSpanId != default).ToList();
        Assert.All(handoffs, h => Assert.Contains(calls, c => c.TraceId == h.TraceId && c.ParentSpanId == h.SpanId));
    }
}
