using System.Globalization;
using Horde.Net.Cluster;
using Horde.Net.Cluster.Hosting;
using Horde.Net.Supervisor;
using Horde.Net.Supervisor.Hosting;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Horde.Net.TestNode;

/// <summary>
/// <c>supervisor</c>: a node run by the Generic Host from Horde__ environment variables (as <see cref="HostMode"/>) with
/// the distributed supervisor "test" whose children are <see cref="Tally"/> counters. It prints READY once the
/// supervisor runs, then answers one line per command read from standard input (logs go to standard error):
/// <list type="bullet">
/// <item><c>start &lt;prefix&gt; &lt;count&gt; [checkpoint ms]</c>: starts children &lt;prefix&gt;-0 … in parallel: <c>OK started=… already=… failed=…</c>.</item>
/// <item><c>add &lt;prefix&gt; &lt;count&gt;</c>: adds i + 1 to child &lt;prefix&gt;-i, in parallel: <c>OK</c>.</item>
/// <item><c>call &lt;id&gt; &lt;amount&gt;</c>: adds amount to the child by id, from this node: its new value.</item>
/// <item><c>states &lt;prefix&gt; &lt;count&gt;</c>: every child's value, space-separated.</item>
/// <item><c>local</c>: the instances running here, <c>id:epoch</c> space-separated.</item>
/// <item><c>status</c>: <c>live=… specs=… active=… current=…</c> (live members, children known, running, local ones whose last checkpoint holds their state now).</item>
/// <item><c>checkpoints</c>: the checkpoints this node holds, <c>id:version</c> space-separated, sorted.</item>
/// </list>
/// A failed command answers <c>ERROR &lt;why&gt;</c>. SIGTERM drains the node (its children hand off); closing standard input stops it too.
/// </summary>
internal static class SupervisorMode
{
    public const string Name = "test";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.ClearProviders();
        // The supervisor's warnings (a handoff that failed) to standard error, the test's output; the rest only when it fails.
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Error)
            .AddFilter("Horde.Net.Supervisor", LogLevel.Warning);
        builder.AddHorde(horde => horde
            .MessageTypes(types => types.Add<Bump>().Add<Peek>())
            .AddSupervisor(Name, o => o.AddChildType<Tally>()));
        using var host = builder.Build();
        await host.StartAsync();
        var supervisor = host.Services.GetRequiredService<IHordeSupervisors>().Get(Name);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        Console.WriteLine("READY");
        _ = Task.Factory.StartNew(async () =>
        {
            // Console reads block their thread: on a thread of its own, so that the pool stays free for the node.
            while (Console.In.ReadLine() is { } line)
                Console.WriteLine(await RunAsync(supervisor, line.Split(' ')));
            lifetime.StopApplication();
        }, TaskCreationOptions.LongRunning);
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static async Task<string> RunAsync(HordeSupervisor supervisor, string[] command)
    {
        try
        {
            switch (command)
            {
                case ["start", var prefix, var count, .. var rest]:
                    var checkpoint = rest is [var ms] ? TimeSpan.FromMilliseconds(Number(ms)) : (TimeSpan?)null;
                    var results = await Task.WhenAll(Ids(prefix, count).Select(id =>
                        supervisor.StartChildAsync(HordeChildSpec.For<Tally>(id) with { CheckpointInterval = checkpoint })));
                    var failed = results.Where(r => r.Status == StartChildStatus.Failed).ToList();
                    return $"OK started={results.Count(r => r.Status == StartChildStatus.Started)} already={results.Count(r => r.Status == StartChildStatus.AlreadyStarted)} failed={failed.Count} {failed.FirstOrDefault().Error}".TrimEnd();
                case ["add", var prefix, var count]:
                    await Task.WhenAll(Ids(prefix, count).Select((id, i) => supervisor.Child<Tally>(id).CallAsync<int>(new Bump(i + 1))));
                    return "OK";
                case ["call", var id, var amount]:
                    return (await supervisor.Child<Tally>(id).CallAsync<int>(new Bump(Number(amount)), TimeSpan.FromSeconds(10))).ToString(CultureInfo.InvariantCulture);
                case ["states", var prefix, var count]:
                    return string.Join(' ', await Task.WhenAll(Ids(prefix, count).Select(id => supervisor.Child<Tally>(id).CallAsync<int>(new Peek()))));
                case ["local"]:
                    return string.Join(' ', supervisor.LocalInstances().Select(c => $"{c.Id}:{c.Epoch}"));
                case ["status"]:
                    var (specs, active) = supervisor.CountChildren();
                    var current = supervisor.LocalInstances().Count(c => supervisor.CheckpointVersion(c.Id) is { } version && version == supervisor.Node.GetStateVersion(c.Pid));
                    return $"live={supervisor.LiveMembers().Count} specs={specs} active={active} current={current}";
                case ["checkpoints"]:
                    return string.Join(' ', supervisor.WhichChildren().Select(c => (c.Id, Version: supervisor.CheckpointVersion(c.Id)))
                        .Where(c => c.Version is not null).OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => $"{c.Id}:{c.Version}"));
                default:
                    return "ERROR unknown command";
            }
        }
        catch (Exception e)
        {
            return $"ERROR {e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");
        }
    }

    private static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static IEnumerable<string> Ids(string prefix, string count) => Enumerable.Range(0, Number(count)).Select(i => $"{prefix}-{i}");
}

/// <summary>Adds to a supervised counter and answers its new value.</summary>
[MessagePackObject]
public sealed record Bump([property: Key(0)] int Amount);

/// <summary>Asks a supervised counter for its value.</summary>
[MessagePackObject]
public sealed record Peek;

/// <summary>A supervised counter: its int state is handed off and checkpointed by the supervisor.</summary>
public sealed class Tally : GenServer<int>
{
    protected override int InitialState() => 0;

    protected override ValueTask<object?> HandleCallAsync(object message) => message switch
    {
        Bump bump => Reply(State += bump.Amount),
        Peek => Reply(State),
        _ => Unhandled(message),
    };
}
