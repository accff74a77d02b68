using System.Net;
using Microsoft.AspNetCore.Builder;

namespace Horde.Net.Cluster.Tests.Hosting;

/// <summary>/health/ready and /health/live over real HTTP, on two ASP.NET Core applications whose nodes form a cluster.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task Ready_waits_for_the_join_and_every_gate_then_turns_503_when_the_drain_starts_before_the_node_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var seed = TestWebApps.Build("seed", []);
        await seed.StartAsync(ct);
        await AssertStatusAsync(seed, "/health/ready", HttpStatusCode.OK, "a lone node with no topology is ready once it runs");

        var gateOpen = false;
        var drainReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseDrain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var joiner = TestWebApps.Build("joiner", [seed.Node().Name], horde => horde
            .AddReadinessGate("test gate", _ => Volatile.Read(ref gateOpen) ? null : "the test to open it")
            .OnNodeStarted((_, node, _) =>
            {
                node.OnDrain(async _ =>
                {
                    drainReached.TrySetResult();
                    await releaseDrain.Task; // the handoff a supervisor would do: the node is Leaving, not stopped
                });
                return Task.CompletedTask;
            }));
        await joiner.StartAsync(ct);

        var waiting = await joiner.PollAsync("/health/ready", r => r.Body.Contains("the test to open it"), "readiness waits for the gate");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.Status);
        Assert.True(joiner.Node().ConnectedNodes.Contains(seed.Node().Name), "readiness got as far as the gates, so the node had joined its seed");
        await AssertStatusAsync(joiner, "/health/live", HttpStatusCode.OK, "a starting node is alive");

        Volatile.Write(ref gateOpen, true);
        await joiner.PollAsync("/health/ready", r => r.Status == HttpStatusCode.OK, "the gate opened");
        Volatile.Write(ref gateOpen, false);
        await AssertStatusAsync(joiner, "/health/ready", HttpStatusCode.OK, "once ready, a gate closing again does not flip readiness");

        var stopping = joiner.StopAsync(ct);
        await drainReached.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        var draining = await joiner.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.Status);
        Assert.Contains("draining", draining.Body);
        Assert.Equal(NodeState.Leaving, joiner.Node().State); // unready while the drain hooks still run
        await AssertStatusAsync(joiner, "/health/live", HttpStatusCode.OK, "a draining node is alive");
        releaseDrain.TrySetResult();
        await stopping;
        Assert.Equal(NodeState.Stopped, joiner.Node().State);
        await seed.StopAsync(ct);
    }

    private static async Task AssertStatusAsync(WebApplication app, string path, HttpStatusCode expected, string what)
    {
        var (status, body) = await app.GetAsync(path);
        Assert.True(status == expected, $"{path} answered {(int)status} {body}; expected {(int)expected} because {what}");
    }
}
