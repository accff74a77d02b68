using MessagePack;

namespace Horde.Net.Cluster.Tests.Handoff;

/// <summary>A journal's state: what it handled, in order, and a pid, so that a handoff must carry pids too.</summary>
[MessagePackObject]
public sealed record JournalState([property: Key(0)] List<string> Entries, [property: Key(1)] Pid? Owner);

/// <summary>Appends "Sender:Seq"; as a call it answers with the number of entries after it.</summary>
[MessagePackObject]
public sealed record Note([property: Key(0)] string Sender, [property: Key(1)] int Seq);

/// <summary>Answers with the entries.</summary>
[MessagePackObject]
public sealed record ReadJournal;

/// <summary>A cast whose handler waits for the gate, then appends "after-block" (local only).</summary>
public sealed record Block(TaskCompletionSource Entered, TaskCompletionSource Gate);

/// <summary>A GenServer whose state records every message it handled, for handoff tests.</summary>
public sealed class Journal(Pid? owner = null, Action<JournalState>? initSaw = null) : GenServer<JournalState>
{
    public static void Register(NodeOptions options) => options.MessageTypes.Add<Note>().Add<ReadJournal>();

    public static JournalState Read(Node node, ReadOnlyMemory<byte> bytes) =>
        MessagePackSerializer.Deserialize<JournalState>(bytes, HordeSerializer.OptionsFor(node));

    protected override JournalState InitialState() => new([], owner);

    protected override async ValueTask InitAsync()
    {
        await base.InitAsync();
        initSaw?.Invoke(State);
    }

    protected override async ValueTask HandleCastAsync(object message)
    {
        switch (message)
        {
            case Note note:
                Append($"{note.Sender}:{note.Seq}");
                return;
            case Block block:
                block.Entered.TrySetResult();
                await block.Gate.Task;
                Append("after-block");
                return;
            default:
                await base.HandleCastAsync(message);
                return;
        }
    }

    protected override ValueTask<object?> HandleCallAsync(object message) => message switch
    {
        Note note => Reply(Append($"{note.Sender}:{note.Seq}")),
        ReadJournal => Reply(State.Entries.ToArray()),
        _ => Unhandled(message),
    };

    private int Append(string entry)
    {
        State.Entries.Add(entry);
        State = State; // the version counts assignments; the list itself changes in place
        return State.Entries.Count;
    }
}

/// <summary>A process with no state to hand off.</summary>
public sealed class Stateless : HordeProcess;
