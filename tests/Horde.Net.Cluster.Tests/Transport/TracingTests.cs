using System.Diagnostics;

namespace Horde.Net.Cluster.Tests.Transport;

public sealed class TracingTests
{
    [Fact]
    public async Task A_call_to_another_node_is_a_client_span_and_a_server_span_of_one_trace()
    {
        using var spans = new SpanRecorder();
        await using var caller = await TestCluster.StartNodeAsync("caller");
        await using var callee = await TestCluster.StartNodeAsync("callee");
        Assert.True(await caller.ConnectAsync(callee.Name));
        var counter = await callee.StartAsync(() => new Counter());

        Assert.Equal(1, await caller.Resolve(counter).CallAsync<int>(new Add(1), TimeSpan.FromSeconds(5)));

        // Spans of other tests' calls may be recorded too: ours are the ones between these two nodes.
        Activity? Span(ActivityKind kind, Node peer) =>
            spans.Stopped.SingleOrDefault(s => s.Kind == kind && Equals(s.GetTagItem("horde.peer"), peer.Name.ToString()));
        await Eventually.TrueAsync(() => Span(ActivityKind.Client, callee) is not null && Span(ActivityKind.Server, caller) is not null,
            "the caller recorded a client span and the callee a server span");
        var client = Span(ActivityKind.Client, callee)!;
        var server = Span(ActivityKind.Server, caller)!;
        Assert.Equal(client.TraceId, server.TraceId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal("Add", client.GetTagItem("horde.message"));
        Assert.Equal(ActivityStatusCode.Unset, client.Status);
    }
}
