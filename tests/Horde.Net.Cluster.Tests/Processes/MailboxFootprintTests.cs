using System.Collections.Concurrent;
using System.Reflection;

namespace Horde.Net.Cluster.Tests.Processes;

/// <summary>An idle process gives back the memory a burst made its mailbox grow to.</summary>
public sealed class MailboxFootprintTests
{
    [Fact]
    public async Task A_process_drained_after_a_burst_of_a_million_casts_keeps_a_small_mailbox()
    {
        await using var node = new Node();
        var gate = new TaskCompletionSource();
        var counter = new Counter();
        var pid = await node.StartAsync(() => counter);
        var held = pid.CallAsync<int>(new Hold(gate), TimeSpan.FromSeconds(60)); // the burst piles up behind this call
        for (var i = 0; i < 1_000_000; i++)
            pid.Cast(new Add(1));
        var duringBurst = RetainedSlots(counter);
        Assert.True(duringBurst >= 1_000_000, $"the burst should sit in the mailbox, which holds {duringBurst} slots");

        gate.SetResult();
        await held;
        Assert.Equal(1_000_000, await pid.CallAsync<int>(new Get(), TimeSpan.FromSeconds(60)));

        // Every slot is 40 bytes: 21 MB before the fix, a few KB now. The trim runs when the loop finds the mailbox
        // empty, which can be just after the reply above reached us: wait (bounded) for the process to be idle.
        await Eventually.TrueAsync(() => RetainedSlots(counter) <= 2 * Mailbox.TrimDepth,
            $"the idle mailbox gives back the slots of the burst (it held {duringBurst})");
    }

    [Fact]
    public async Task Messages_keep_their_order_across_a_trim()
    {
        await using var node = new Node();
        var probe = await Probe.StartAsync(node);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 5 * Mailbox.TrimDepth; i++)
                probe.Self.Send(i);
            for (var i = 0; i < 5 * Mailbox.TrimDepth; i++)
                Assert.Equal(i, await probe.ExpectAsync<int>());
        }
    }

    /// <summary>
    /// The slots of every segment the mailbox's queue still references, read from the queue's private fields: the
    /// only exact figure for what an idle mailbox retains, and one that does not depend on when the GC runs.
    /// </summary>
    private static long RetainedSlots(HordeProcess process)
    {
        const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;
        var mailbox = typeof(HordeProcess).GetField("_mailbox", Private)!.GetValue(process)!;
        var queue = (ConcurrentQueue<Envelope>)typeof(Mailbox).GetField("_queue", Private)!.GetValue(mailbox)!;
        var segment = typeof(ConcurrentQueue<Envelope>).GetField("_head", Private)?.GetValue(queue)
            ?? throw new InvalidOperationException("ConcurrentQueue<T>._head is gone; update this test to the runtime's layout.");
        long slots = 0;
        while (segment is not null)
        {
            var type = segment.GetType();
            slots += ((Array)type.GetField("_slots", Private)!.GetValue(segment)!).Length;
            segment = type.GetField("_nextSegment", Private)!.GetValue(segment);
        }
        return slots;
    }
}
