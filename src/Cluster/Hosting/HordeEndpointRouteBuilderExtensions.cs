using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Horde.Net.Cluster.Hosting;

/// <summary>Maps Horde.Net's HTTP endpoints in an ASP.NET Core application.</summary>
public static class HordeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/health/ready</c> (the checks tagged <see cref="HordeHealthChecks.ReadyTag"/>: the node runs, has
    /// joined its topologies and every replica has had its first sync; unready from the start of a drain) and
    /// <c>/health/live</c> (tagged <see cref="HordeHealthChecks.LiveTag"/>: the node has not stopped). Each answers
    /// 200 or 503 with a small JSON body saying why. <c>AddHorde</c> registers the checks.
    /// </summary>
    public static IEndpointConventionBuilder MapHordeHealthChecks(this IEndpointRouteBuilder endpoints, string readyPath = "/health/ready", string livePath = "/health/live")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup("");
        group.MapHealthChecks(readyPath, Tagged(HordeHealthChecks.ReadyTag));
        group.MapHealthChecks(livePath, Tagged(HordeHealthChecks.LiveTag));
        return group;
    }

    private static HealthCheckOptions Tagged(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        AllowCachingResponses = false,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
