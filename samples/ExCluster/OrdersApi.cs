using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Registry;
using Horde.Net.Supervisor;
using Horde.Net.Supervisor.Hosting;
using Microsoft.Extensions.Options;

namespace ExCluster;

/// <summary>
/// Settings of the orders (section <c>Orders</c>; <c>Orders__CheckpointInterval=00:00:01</c>). The same section also
/// binds the supervisor's options, e.g. <c>Orders__CallTimeout=00:00:10</c> (how long a call waits for an order).
/// </summary>
public sealed class OrdersOptions
{
    /// <summary>How often a changed order is saved for recovery after a crash (kill -9). Null: never; a graceful stop still keeps every item.</summary>
    public TimeSpan? CheckpointInterval { get; set; }
}

/// <summary>One order as the API shows it: its items, and where its process runs now.</summary>
public sealed record OrderView(string Customer, int[] Items, string Node);

/// <summary>This node and every node of the cluster as it sees them.</summary>
public sealed record ClusterView(string Node, string[] Members);

/// <summary>The HTTP API: orders by customer, and the cluster.</summary>
public static class OrdersApi
{
    /// <summary>The largest request body accepted (1 MiB).</summary>
    public const long MaxBodyBytes = 1 << 20;

    public static void MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders/{customer}").AddEndpointFilter(RequireValidCustomer);
        orders.MapPut("", async (string customer, Orders all) =>
        {
            await all.Of(customer).StartAsync();
            return Results.Ok(await all.ViewAsync(customer));
        });
        orders.MapGet("", async (string customer, Orders all) =>
            all.Exists(customer) ? Results.Ok(await all.ViewAsync(customer)) : NoOrder(customer));
        orders.MapPost("/items", async (string customer, HttpRequest request, Orders all) =>
        {
            var (items, problem) = await OrderInput.ReadItemsAsync(request);
            if (problem is not null)
                return problem;
            if (!all.Exists(customer))
                return NoOrder(customer);
            var order = all.Of(customer);
            return Results.Ok(all.View(customer, await order.CallAsync<int[]>(new AddItems(items!)), order));
        });
        orders.MapDelete("", async (string customer, Orders all) =>
            await all.Of(customer).TerminateAsync() ? Results.NoContent() : NoOrder(customer));

        app.MapGet("/cluster", (IHorde horde) => new ClusterView(horde.Node.Name.ToString(),
            [.. horde.Node.ConnectedNodes.Append(horde.Node.Name).Select(n => n.ToString()).Order(StringComparer.Ordinal)]));
    }

    /// <summary>The status of a request that failed on an exception: 503 when an order could not be reached in time.</summary>
    public static int StatusOf(Exception exception) => exception switch
    {
        TimeoutException or NameNotRegisteredException or SupervisorException or ProcessExitedException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static IResult NoOrder(string customer) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such order", detail: $"There is no order for customer '{customer}'.");

    private static async ValueTask<object?> RequireValidCustomer(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        OrderInput.CheckCustomer(context.HttpContext.Request.RouteValues["customer"] as string) ?? await next(context);
}

/// <summary>The orders of this node's supervisor, by customer.</summary>
public sealed class Orders(IHorde horde, IOptions<OrdersOptions> options)
{
    private HordeSupervisor Supervisor => horde.Supervisor("orders");

    public ChildHandle<Order> Of(string customer) =>
        Supervisor.Child<Order>(IdOf(customer), spec => spec with { CheckpointInterval = options.Value.CheckpointInterval });

    public bool Exists(string customer) => Supervisor.WhereIs(IdOf(customer)) is not null || Supervisor.Knows(IdOf(customer));

    public async Task<OrderView> ViewAsync(string customer)
    {
        var order = Of(customer);
        return View(customer, await order.CallAsync<int[]>(new GetItems()), order);
    }

    public OrderView View(string customer, int[] items, ChildHandle<Order> order) => new(customer, items, order.Pid?.Node.ToString() ?? "");

    private static string IdOf(string customer) => "order:" + customer;
}
