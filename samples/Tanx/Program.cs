// Tanx: the multiplayer tank game of the Horde demo (ElixirConf 2018), on Horde.Net. Every node serves the web page
// and the WebSocket protocol; each game is one process under the distributed supervisor "tanx", placed on some node,
// and called by its id from whichever node serves the player. SIGTERM drains the node: its games move, with their
// state, to the other nodes, and the players' next requests reach them there. Configuration as any Horde.Net host
// (Horde__Name, Horde__Cookie, Horde__Membership__...), plus TANX_BUILD, the build id the page shows.
using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Supervisor.Hosting;
using Tanx.Games;
using Tanx.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddHorde(horde => horde
    .AddMessageTypesFrom(typeof(GameProcess).Assembly)
    .AddSupervisor(GameDirectory.SupervisorName, options => options.AddChildType<GameProcess>()));
builder.Services.AddSingleton<TickStats>();
builder.Services.AddSingleton<GameDirectory>();
builder.Services.AddSingleton<ClientRequests>();
builder.Services.AddSingleton(BuildInfo.FromEnvironment());

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10) });
app.Map("/ws", ClientSocket.RunAsync);
app.MapTanxApi();
app.MapHordeHealthChecks(); // /health/ready (503 from SIGTERM on) and /health/live
app.MapHordeDashboard("/horde"); // nodes, games per node, recent events, live
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"TANX READY {string.Join(' ', app.Urls)}"));
await app.RunAsync();
