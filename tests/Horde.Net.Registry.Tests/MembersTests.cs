using Horde.Net.Registry;

namespace Horde.Net.Registry.Tests;

public sealed class MembersTests
{
    [Fact]
    public async Task With_a_fixed_member_list_names_are_shared_by_the_members_only()
    {
        await using var nodes = await TestCluster.StartAsync(3, configure: o => o.MessageTypes.AddRegistry());
        var options = new RegistryOptions { Members = [nodes[0].Name, nodes[1].Name] };
        var registries = new List<HordeRegistry<string>>();
        foreach (var node in nodes.Nodes)
            registries.Add(await HordeRegistry.StartAsync(node, "fixed", options));
        var pid = await nodes[0].StartAsync(() => new Counter());

        await registries[0].RegisterAsync("member-name", pid);

        await Eventually.TrueAsync(() => registries[1].WhereIs("member-name") == pid, "the other member has the name");
        await Eventually.TrueAsync(() => registries[2].Names.Neighbours.Count == 0 && registries[0].Names.Neighbours.Count == 1,
            "the non-member syncs with nobody");
        await registries[0].RegisterAsync("second", pid);
        await Eventually.TrueAsync(() => registries[1].WhereIs("second") == pid, "the other member has the second name");
        Assert.Null(registries[2].WhereIs("second"));
    }
}
