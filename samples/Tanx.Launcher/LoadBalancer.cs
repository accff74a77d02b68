using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Tanx.Launcher;

/// <summary>
/// The public port: YARP in front of the nodes, round robin, with WebSockets. An active health check of /health/ready
/// (every second) takes a draining node out of rotation, so new connections go to the nodes that stay.
/// </summary>
public static class LoadBalancer
{
    public static WebApplication Build(int port, IReadOnlyList<NodeSlot> slots, Func<HttpContext, Task> rollingUpdate, Func<HttpContext, Task> status)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Error); // a node that drains or restarts fails its probes: expected
        builder.WebHost.UseUrls($"http://0.0.0.0:{port}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "tanx", ClusterId = "nodes", Match = new RouteMatch { Path = "{**catch-all}" } }],
            [new ClusterConfig
            {
                ClusterId = "nodes",
                LoadBalancingPolicy = "RoundRobin",
                Destinations = slots.ToDictionary(s => $"node{s.Index}", s => new DestinationConfig { Address = s.HttpUrl }),
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig { Enabled = true, Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(1), Path = "/health/ready", Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures },
                    Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate, ReactivationPeriod = TimeSpan.FromSeconds(2) },
                },
            }]);
        var app = builder.Build();
        app.MapPost("/admin/rolling-update", rollingUpdate);
        app.MapGet("/admin/status", status);
        app.MapReverseProxy();
        return app;
    }
}
