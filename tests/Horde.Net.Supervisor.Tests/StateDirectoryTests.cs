namespace Horde.Net.Supervisor.Tests;

/// <summary>The last member leaving has no peer to hand off to: with a state directory its children's states survive on disk.</summary>
public sealed class StateDirectoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("horde-supervisor-").FullName;

    [Fact]
    public async Task The_last_node_parks_its_children_on_disk_and_a_node_started_again_on_that_directory_restarts_them_with_their_state()
    {
        var options = TestCluster.Options("last");
        options.MessageTypes.AddSupervisor();
        var expected = new Dictionary<string, int>();
        await using (var node = new Node(options, TestLogging.Factory))
        {
            await node.ListenAsync();
            var supervisor = await HordeSupervisor.StartAsync(node, SupervisorCluster.Name, SupervisorCluster.Options(o => o.StateDirectory = _directory));
            for (var i = 0; i < 20; i++)
            {
                var id = $"kept-{i}";
                (await supervisor.StartChildAsync(SupervisorCluster.Spec(id))).EnsureRunning();
                expected[id] = await supervisor.Child<Counter>(id).CallAsync<int>(new Add(i + 1));
            }
            await node.StopAsync(TestContext.Current.CancellationToken); // no peer: each child's state is parked
        }

        var again = TestCluster.Options("last");
        again.Name = options.Name; // the pod started again, on the same volume
        again.MessageTypes.AddSupervisor();
        await using var restarted = new Node(again, TestLogging.Factory);
        await restarted.ListenAsync();
        var successor = await HordeSupervisor.StartAsync(restarted, SupervisorCluster.Name, SupervisorCluster.Options(o => o.StateDirectory = _directory));
        await Eventually.TrueAsync(() => successor.LocalChildren().Count == expected.Count,
            $"the {expected.Count} children of the earlier run restart here", TimeSpan.FromSeconds(15));
        foreach (var (id, state) in expected)
        {
            var got = await successor.Child<Counter>(id).CallAsync<int>(new Get());
            Assert.True(state == got, $"{id} restarted with state {got}, not its parked {state}. What the nodes logged:{Environment.NewLine}{string.Join(Environment.NewLine, TestLogging.Factory.Lines.Where(l => l.Contains(options.Name.ToString(), StringComparison.Ordinal) && !l.StartsWith("Debug", StringComparison.Ordinal)))}");
        }
    }

    [Fact]
    public void A_blank_state_directory_is_refused_naming_the_option()
    {
        var options = SupervisorCluster.Options(o => o.StateDirectory = " ");
        var error = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.Equal("StateDirectory", error.ParamName);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
