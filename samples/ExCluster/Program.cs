// ExCluster: one order process per customer, started by the distributed supervisor, called by id from any node.
// Configured as the Elixir original (NODE, COOKIE, NODES, HTTP_PORT) or by Horde__ settings (k8s/deployment.yaml).
// On SIGTERM readiness turns 503 while requests are still served, the node drains (every order moves, with its items,
// to a node that stays), and the process exits 0.
using ExCluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Supervisor.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseSeedsEnvironment();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = OrdersApi.MaxBodyBytes);
builder.Services.AddProblemDetails();
builder.Services.AddSingleton<Orders>().Configure<OrdersOptions>(builder.Configuration.GetSection("Orders"));
builder.AddHorde(horde => horde
    .AddMessageTypesFrom(typeof(Order).Assembly)
    .AddSupervisor("orders", orders => builder.Configuration.GetSection("Orders").Bind(orders.AddChildType<Order>())));

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = OrdersApi.StatusOf });
app.MapOrders();
app.MapHordeHealthChecks(); // /health/ready (unready from SIGTERM on) and /health/live
app.MapHordeDashboard("/horde"); // nodes, orders per node, recent events, live
app.Run();
