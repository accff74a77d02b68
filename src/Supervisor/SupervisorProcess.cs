using Horde.Net.Cluster;

namespace Horde.Net.Supervisor;

/// <summary>
/// The supervisor's process on its node, under the name <c>horde.supervisor.{name}</c>: other members send it starts
/// and terminates, and it monitors the local children. Requests run off the process so one slow start holds up nothing.
/// </summary>
internal sealed class SupervisorProcess(HordeSupervisor supervisor) : HordeProcess
{
    protected override ValueTask<object?> HandleCallAsync(object message)
    {
        switch (message)
        {
            case SupervisorStartRequest start:
                var reply = DeferReply();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        reply.Reply((await supervisor.HandleStartAsync(start, supervisor.Options.CallTimeout)).ToReply());
                    }
                    catch (Exception e)
                    {
                        reply.Reply(StartChildResult.Failed($"Supervisor '{supervisor.Name}' on {supervisor.Node.Name}: {e.Message}").ToReply());
                    }
                });
                return Reply(null);
            case SupervisorStartManyRequest many:
                var answer = DeferReply();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var results = await supervisor.HandleStartManyAsync(many, supervisor.Options.CallTimeout);
                        answer.Reply(new SupervisorStartManyReply([.. results.Select(r => r.ToReply())]));
                    }
                    catch (Exception e)
                    {
                        answer.Fail(e);
                    }
                });
                return Reply(null);
            case SupervisorTerminateRequest terminate:
                var done = DeferReply();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        done.Reply(await supervisor.TerminateHereAsync(terminate.Id));
                    }
                    catch (Exception e)
                    {
                        done.Fail(e);
                    }
                });
                return Reply(null);
            default:
                return Unhandled(message);
        }
    }

    protected override ValueTask HandleInfoAsync(object message)
    {
        switch (message)
        {
            case MonitorChild monitor:
                MonitorProcess(monitor.Pid);
                break;
            case Down down:
                supervisor.OnChildExit(down.Pid, down.Reason);
                break;
        }
        return default;
    }
}
