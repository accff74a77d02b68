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
        await TestCluster.ConnectAsync(caller, callee.Name);
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

    [Fact]
    public async Task A_peer_of_the_build_before_traced_calls_gets_plain_calls_and_the_trace_stops_at_the_caller()
    {
        using var spans = new SpanRecorder();
        await using var caller = await TestCluster.StartNodeAsync("new-build");
        await using var callee = await TestCluster.StartNodeAsync("old-build");
        callee.Faults!.ProtocolVersion = 1; // what a node of the build before TracedCall says in its handshake
        await TestCluster.ConnectAsync(caller, callee.Name);
        var counter = await callee.StartAsync(() => new Counter());

        Assert.Equal(1, await caller.Resolve(counter).CallAsync<int>(new Add(1), TimeSpan.FromSeconds(5)));

        await Eventually.TrueAsync(() => spans.Stopped.Any(s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("horde.peer"), callee.Name.ToString())),
            "the caller still records its client span");
        // A TracedCall would have made the callee (which, being this build, understands it) record a server span.
        Assert.DoesNotContain(spans.Stopped, s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("horde.peer"), caller.Name.ToString()));
    }

    [Theory]
    [InlineData(2u, 1u, 0u, 1u)] // a build before version 2: one version, no highest
    [InlineData(2u, 1u, 2u, 2u)]
    [InlineData(2u, 1u, 3u, 2u)] // a newer build that still speaks ours
    [InlineData(1u, 1u, 2u, 1u)]
    [InlineData(2u, 3u, 4u, null)] // a newer build that dropped ours
    public void The_connection_speaks_the_newest_version_both_know(uint ours, uint theirLowest, uint theirHighest, uint? expected) =>
        Assert.Equal(expected, Horde.Net.Cluster.Transport.NodeTransport.Negotiate(ours, theirLowest, theirHighest));
}
