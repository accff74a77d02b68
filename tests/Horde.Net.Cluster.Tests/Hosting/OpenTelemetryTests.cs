using System.Diagnostics;
using Horde.Net.Cluster.Hosting;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Horde.Net.Cluster.Tests.Hosting;

/// <summary>
/// The meters and spans as an application collects them: the OpenTelemetry SDK in the Generic Host, with the in-memory
/// exporters, plugged in the way the README shows.
/// </summary>
public sealed class OpenTelemetryTests
{
    private static readonly ActivitySource UserSource = new("Horde.Net.Tests.User");

    [Fact]
    public async Task The_sdk_collects_the_node_meters_and_one_trace_follows_a_call_across_two_hosts_into_the_handler()
    {
        var ct = TestContext.Current.CancellationToken;
        List<MetricSnapshot> metrics = [];
        List<Activity> spans = [];
        Action<HordeBuilder> types = horde => horde.MessageTypes(t => t.Add<TracedWork>());
        using var callee = TestHosts.Build(TestHosts.Settings("otel-callee", out var calleeName), types);
        var settings = TestHosts.Settings("otel-caller", out var callerName);
        settings["Horde:Membership:Topologies:seeds:Strategy"] = "Static";
        settings["Horde:Membership:Topologies:seeds:Config:Nodes:0"] = calleeName.ToString();
        using var caller = TestHosts.Build(settings, types, configureServices: services => services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMeter("Horde.Net.*").AddInMemoryExporter(metrics))
            .WithTracing(t => t.AddSource(HordeTracing.SourceName, UserSource.Name).AddInMemoryExporter(spans)));
        await callee.StartAsync(ct);
        await caller.StartAsync(ct);
        var from = caller.Services.GetRequiredService<Node>();
        var to = callee.Services.GetRequiredService<Node>();
        await Eventually.TrueAsync(() => from.ConnectedNodes.Contains(calleeName), "the caller's host joined the callee's");
        var worker = await to.StartAsync(() => new Worker());

        string traceId;
        using (var request = UserSource.StartActivity("user.request"))
        {
            Assert.Equal("done", await from.Resolve(worker).CallAsync<string>(new TracedWork(), TimeSpan.FromSeconds(5)));
            traceId = request!.TraceId.ToHexString();
        }

        caller.Services.GetRequiredService<TracerProvider>().ForceFlush();
        Activity Span(string name, ActivityKind kind) =>
            spans.SingleOrDefault(s => s.TraceId.ToHexString() == traceId && s.OperationName == name && s.Kind == kind)
            ?? throw new Xunit.Sdk.XunitException($"no {kind} span {name} in trace {traceId}; exported: "
                + string.Join(", ", spans.Where(s => s.TraceId.ToHexString() == traceId).Select(s => $"{s.OperationName}/{s.Kind}")));
        var user = Span("user.request", ActivityKind.Internal);
        var client = Span("horde.call", ActivityKind.Client);
        var server = Span("horde.call", ActivityKind.Server);
        var handler = Span("user.handler", ActivityKind.Internal);
        Assert.Equal(user.SpanId, client.ParentSpanId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal(server.SpanId, handler.ParentSpanId); // the server span is current while the handler runs
        Assert.Equal(calleeName.ToString(), client.GetTagItem("horde.peer"));
        Assert.Equal(callerName.ToString(), server.GetTagItem("horde.peer"));

        caller.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Assert.Equal(1, LastLong(metrics, "horde.node.connected", ("node", callerName.ToString())));
        Assert.True(LastLong(metrics, "horde.node.messages_sent", ("node", callerName.ToString()), ("peer", calleeName.ToString())) >= 1,
            "the caller counted the call it sent to the callee");
        Assert.True(LastLong(metrics, "horde.node.bytes_received", ("node", callerName.ToString()), ("peer", calleeName.ToString())) >= 1,
            "the caller counted the reply's bytes");

        await caller.StopAsync(ct);
        await callee.StopAsync(ct);
    }

    /// <summary>The newest exported value of <paramref name="metric"/> on the point whose tags include all of <paramref name="tags"/>.</summary>
    private static long? LastLong(List<MetricSnapshot> metrics, string metric, params (string Key, string Value)[] tags)
    {
        long? value = null;
        foreach (var snapshot in metrics.Where(m => m.Name == metric))
        {
            foreach (var point in snapshot.MetricPoints)
            {
                var pointTags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                    pointTags[tag.Key] = tag.Value;
                if (!tags.All(t => pointTags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
                    continue;
                value = snapshot.MetricType switch
                {
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    _ => value,
                };
            }
        }
        return value;
    }

    [MessagePackObject]
    public sealed record TracedWork;

    private sealed class Worker : GenServer<int>
    {
        protected override int InitialState() => 0;

        protected override ValueTask<object?> HandleCallAsync(object message)
        {
            using var work = UserSource.StartActivity("user.handler");
            return Reply("done");
        }
    }
}
