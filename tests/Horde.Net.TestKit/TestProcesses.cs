using MessagePack;

namespace Horde.Net.TestKit;

[MessagePackObject]
public sealed record Add([property: Key(0)] int Amount);

[MessagePackObject]
public sealed record Get;

[MessagePackObject]
public sealed record Crash([property: Key(0)] string Why);

[MessagePackObject]
public sealed record Echo([property: Key(0)] object? Value);

/// <summary>Keeps the process in this message until <see cref="Gate"/> completes; <see cref="Entered"/> tells when it is in it.</summary>
public sealed record Hold(TaskCompletionSource Gate, TaskCompletionSource? Entered = null);

/// <summary>A counter that records its terminate calls, for OTP semantics tests.</summary>
public sealed class Counter(int start = 0, bool trapExits = false, Action<ExitReason>? terminated = null, Func<int, bool>? failInit = null)
    : GenServer<int>
{
    protected override int InitialState() => start;

    protected override async ValueTask InitAsync()
    {
        await base.InitAsync();
        TrapExits = trapExits;
        if (failInit?.Invoke(start) == true)
            throw new InvalidOperationException("init refused");
    }

    protected override ValueTask HandleCastAsync(object message)
    {
        switch (message)
        {
            case Add add:
                State += add.Amount;
                return default;
            case Crash crash:
                throw new InvalidOperationException(crash.Why);
            default:
                return base.HandleCastAsync(message);
        }
    }

    protected override async ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case Get:
                return State;
            case Add add:
                return State += add.Amount;
            case Echo echo:
                return echo.Value;
            case Crash crash:
                throw new InvalidOperationException(crash.Why);
            case Hold hold:
                hold.Entered?.TrySetResult();
                await hold.Gate.Task;
                return State;
            default:
                return await Unhandled(message);
        }
    }

    protected override ValueTask TerminateAsync(ExitReason reason)
    {
        terminated?.Invoke(reason);
        return default;
    }
}
