using MessagePack;

namespace Horde.Net.Cluster.Tests.Serialization;

public sealed class MessageTypeRegistryTests
{
    [Fact]
    public void An_assembly_registers_all_its_message_pack_types_with_ids_derived_from_their_names()
    {
        var byAssembly = new MessageTypeRegistry().AddAssemblyOf<Add>();
        var oneByOne = new MessageTypeRegistry();
        TestCluster.RegisterTestTypes(oneByOne);
        foreach (var type in new[] { typeof(Add), typeof(Get), typeof(Crash), typeof(Echo) })
            Assert.Equal(oneByOne.Types[type], byAssembly.Types[type]);
        Assert.DoesNotContain(typeof(Hold), byAssembly.Types.Keys); // not a [MessagePackObject]
        Assert.Equal(8, byAssembly.Types[typeof(Pid)]); // the library's own types are there without asking
    }

    [Fact]
    public void Ids_are_pinned_to_the_names_so_every_build_and_version_agrees()
    {
        // XxHash32 of "Horde.Net.TestKit.Add" mapped above 1024: a change here breaks mixed-version clusters.
        Assert.Equal(PinnedAddId, new MessageTypeRegistry().Add<Add>().Types[typeof(Add)]);
        Assert.Equal(new MessageTypeRegistry().AddAssemblyOf<Add>().Types[typeof(Add)], new MessageTypeRegistry().Add<Echo>().Add<Add>().Types[typeof(Add)]);
    }

    private const int PinnedAddId = 1367746356;

    [Fact]
    public void Two_types_with_one_id_are_refused_with_both_named()
    {
        var types = new MessageTypeRegistry().Add<Add>(5000);
        var error = Assert.Throws<ArgumentException>(() => types.Add<Get>(5000));
        Assert.Contains(typeof(Add).FullName!, error.Message);
        Assert.Contains(typeof(Get).FullName!, error.Message);
    }

    [Fact]
    public async Task The_table_is_frozen_once_the_node_listens()
    {
        await using var node = await TestCluster.StartNodeAsync("frozen");
        Assert.True(node.Options.MessageTypes.IsFrozen);
        var error = Assert.Throws<InvalidOperationException>(() => node.Options.MessageTypes.Add<Unsent>());
        Assert.Contains("before ListenAsync", error.Message);
        node.Options.MessageTypes.Add<Add>(); // registering a type again changes nothing and is allowed
    }

    [Fact]
    public async Task A_cast_of_an_unregistered_type_to_another_node_is_dropped_and_counted_and_a_call_fails()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var probe = await Probe.StartAsync(cluster[1]);
        var remote = cluster[0].Resolve(probe.Self);

        remote.Cast(new Unsent(1)); // never throws at the sender
        remote.Send(new Unsent(2));
        Assert.Equal(2, cluster[0].Drops.UnregisteredType);

        var error = await Assert.ThrowsAsync<UnregisteredMessageTypeException>(async () => await remote.CallAsync<int>(new Unsent(3)));
        Assert.Equal(typeof(Unsent), error.Type);
        remote.Cast(new Add(1)); // the connection is fine: registered types still go through
        Assert.Equal(1, (await probe.ExpectAsync<Add>()).Amount);
    }
}

[MessagePackObject]
public sealed record Unsent([property: Key(0)] int Value);
