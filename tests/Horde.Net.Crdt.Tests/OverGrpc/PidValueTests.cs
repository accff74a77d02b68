using Horde.Net.Cluster;
using MessagePack;

namespace Horde.Net.Crdt.Tests.OverGrpc;

[MessagePackObject]
public sealed record Owner([property: Key(0)] Pid Pid, [property: Key(1)] string Role);

public sealed class PidValueTests
{
    [Fact]
    public async Task Pids_in_values_round_trip_and_can_be_called_at_once_on_the_reading_node()
    {
        await using var a = await TestCluster.StartNodeAsync("pida", options => options.MessageTypes.AddCrdt());
        await using var b = await TestCluster.StartNodeAsync("pidb", options => options.MessageTypes.AddCrdt());
        var onA = await Replica<string, Owner>.StartAsync(a, "owners");
        var onB = await Replica<string, Owner>.StartAsync(b, "owners");
        await TestCluster.ConnectAsync(a, b.Name);
        var counter = await a.StartAsync(() => new Counter(41));

        await onA.PutAsync("counter", new Owner(counter, "primary"));
        var owner = await onB.WaitForAsync("counter", (_, exists) => exists, TimeSpan.FromSeconds(10));

        Assert.Equal(counter, owner!.Pid);
        Assert.Equal("primary", owner.Role);
        Assert.Equal(42, await owner.Pid.CallAsync<int>(new Add(1))); // bound to node b: no Resolve needed
    }

    [Fact]
    public async Task The_serializer_options_of_a_node_know_pids_and_the_users_types()
    {
        await using var node = await TestCluster.StartNodeAsync("pidser");
        var counter = await node.StartAsync(() => new Counter(7));
        var options = HordeSerializer.OptionsFor(node);

        var bytes = MessagePackSerializer.Serialize(new Owner(counter, "r"), options, TestContext.Current.CancellationToken);
        var back = MessagePackSerializer.Deserialize<Owner>(bytes, options, TestContext.Current.CancellationToken);

        Assert.Equal(7, await back.Pid.CallAsync<int>(new Get()));
        Assert.Throws<MessagePackSerializationException>(() =>
            MessagePackSerializer.Serialize(new Owner(counter, "r"), MessagePackSerializerOptions.Standard, TestContext.Current.CancellationToken));
    }
}
