using Horde.Net.Cluster;
using Horde.Net.Registry;

/// <summary>
/// <c>--registry &lt;name&gt; &lt;count&gt;</c>: the node also runs the registry <c>name</c> and registers <c>count</c> echo
/// processes under <c>&lt;node name&gt;/0</c>, <c>/1</c>, …, before it prints READY.
/// </summary>
internal static class RegistryMode
{
    public static async Task StartAsync(Node node, string[] args)
    {
        var at = Array.IndexOf(args, "--registry");
        if (at < 0)
            return;
        var registry = await HordeRegistry.StartAsync(node, args[at + 1]);
        for (var i = 0; i < int.Parse(args[at + 2], System.Globalization.CultureInfo.InvariantCulture); i++)
        {
            var pid = await node.StartAsync(() => new Echo());
            await registry.RegisterAsync($"{node.Name.Name}/{i}", pid, "from the test node");
        }
    }
}
