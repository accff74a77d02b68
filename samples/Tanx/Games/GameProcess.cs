using System.Diagnostics;
using System.Security.Cryptography;
using Horde.Net.Cluster;
using Tanx.Game;
using Tanx.Web;

namespace Tanx.Games;

/// <summary>
/// One game: a process under the distributed supervisor, its id the game id. Its state is the whole <see cref="GameState"/>,
/// so when its node drains the supervisor moves it, with that exact state, to another node, where the physics goes on.
/// </summary>
public sealed class GameProcess(TickStats stats, BuildInfo build) : GenServer<GameState>
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20); // 50 Hz
    private long _lastTick;
    private int _tickQueued;

    protected override GameState InitialState() => new() { EmptySince = 0 };

    protected override async ValueTask InitAsync()
    {
        await base.InitAsync();
        _lastTick = Stopwatch.GetTimestamp();
        stats.GameStarted();
        Stopping.Register(stats.GameStopped); // the instance ends: stopped, moved away or killed
        _ = RunClockAsync(Stopping);
    }

    /// <summary>
    /// The physics clock: a beat every 20 ms measured from a fixed start, so a late beat does not delay the next ones
    /// (drift correction); a beat is only sent when the last was handled, so a slow game never has a queue of beats.
    /// The elapsed time each step uses is measured, so a late or skipped beat loses no game time.
    /// </summary>
    private async Task RunClockAsync(CancellationToken stopping)
    {
        var start = Stopwatch.GetTimestamp();
        long beat = 0;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                beat++;
                var due = Stopwatch.GetElapsedTime(start) - Period * beat;
                if (due < TimeSpan.Zero)
                    await Task.Delay(-due, stopping);
                else if (due > Period * 5)
                    beat += (long)(due / Period); // far behind (a stalled machine): skip the beats instead of bursting them
                if (Interlocked.Exchange(ref _tickQueued, 1) == 0)
                    Self.Send(new Tick());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        if (message is not Tick)
            return base.HandleInfoAsync(message);
        Volatile.Write(ref _tickQueued, 0);
        var now = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(_lastTick, now).TotalSeconds;
        _lastTick = now;
        Engine.Step(State, elapsed);
        stats.Record(elapsed * 1000, Stopwatch.GetElapsedTime(now).TotalMilliseconds);
        if (State.Players.Count == 0 && State.EmptySince is { } since && State.Time - since > Rules.EmptyGameSeconds)
            Stop(); // an empty game ends (normally: the supervisor does not restart it)
        return default;
    }

    protected override ValueTask<object?> HandleCallAsync(object message) => message switch
    {
        NameGame name => Reply(Named(name)),
        JoinGame join => Reply(Join(join.PlayerName)),
        Rejoin rejoin => Reply(Engine.Touch(State, rejoin.Handle) is { } player ? Views.Of(State, player) : null),
        ViewArena view => Reply(Views.Arena(State, Self.Node.ToString(), build.Build, Engine.Touch(State, view.Handle))),
        SpawnTank spawn => Reply(Result(Engine.Spawn(State, spawn.Handle, spawn.EntryPoint) is var r && r == SpawnResult.Spawned, r.ToString())),
        Control control => Reply(Result(Engine.SetControl(State, control.Handle, control.Button, control.Down), "UnknownPlayer")),
        FireMissile fire => Reply(Result(Engine.Fire(State, fire.Handle) is var f && f == FireResult.Fired, f.ToString())),
        DestructTank destruct => Reply(Result(Engine.SelfDestruct(State, destruct.Handle), "NoTank")),
        RenamePlayer rename => Reply(Result(Engine.Rename(State, rename.Handle, rename.Name), "UnknownPlayer")),
        SayChat say => Reply(Result(Engine.Say(State, say.Handle, say.Text), "UnknownPlayer")),
        LeaveGame leave => Reply(Result(Engine.Leave(State, leave.Handle), "UnknownPlayer")),
        DescribeGame => Reply(new GameSummary(State.Id, State.Name, State.Players.Count, Self.Node.ToString())),
        _ => Unhandled(message),
    };

    private GameSummary Named(NameGame name)
    {
        State.Id = name.Id;
        State.Name = name.Name.Trim() is { Length: > 0 } trimmed ? trimmed[..Math.Min(trimmed.Length, 40)] : State.Id;
        State.EmptySince = State.Time;
        return new GameSummary(State.Id, State.Name, State.Players.Count, Self.Node.ToString());
    }

    private Joined Join(string playerName)
    {
        // The handle is the player's secret key (it alone lets a client act as the player), so it is unguessable.
        var handle = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var player = Engine.Join(State, handle, playerName);
        return new Joined(handle, player.Id);
    }

    private static CommandResult Result(bool ok, string error) => ok ? new CommandResult(true) : new CommandResult(false, error);
}
