using System.Diagnostics.Metrics;
using Horde.Net.Cluster;

namespace Horde.Net.Crdt.Tests;

public sealed class MetricsTests
{
    /// <summary>A meter factory that owns its meters, as the host's DI container would.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            lock (_meters)
            {
                if (_meters.FirstOrDefault(m => m.Name == options.Name) is { } existing)
                    return existing;
                var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
                _meters.Add(meter);
                return meter;
            }
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
                meter.Dispose();
        }
    }

    [Fact]
    public async Task Replicas_report_on_the_nodes_meter_factory_once_per_factory_under_the_same_instrument_names()
    {
        using var factory = new TestMeterFactory();
        var published = new List<Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            lock (published)
                published.Add(instrument);
        };
        listener.Start();

        await using var node = new Node(TestCluster.Options("metered"), TestLogging.Factory, factory);
        await node.ListenAsync();
        await Replica<string, int>.StartAsync(node);
        await Replica<string, int>.StartAsync(node);

        lock (published)
        {
            var ours = published.Where(i => i.Meter.Scope == factory && i.Name.StartsWith("horde.crdt.", StringComparison.Ordinal)).ToList();
            Assert.All(ours, i => Assert.Equal("Horde.Net.Crdt", i.Meter.Name));
            Assert.Single(ours, i => i.Name == "horde.crdt.sync.rounds");
            Assert.Single(ours, i => i.Name == "horde.crdt.sync.bytes_sent");
            Assert.Single(ours, i => i.Name == "horde.crdt.deltas.outstanding");
        }
    }

    [Fact]
    public async Task Each_running_replica_reports_its_size_by_name_and_node_until_it_stops()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new MetricsRecorder(factory);
        await using var node = new Node(TestCluster.Options("sized"), TestLogging.Factory, factory);
        await node.ListenAsync();
        var replica = await Replica<string, int>.StartAsync(node, "sized.map");
        for (var i = 0; i < 3; i++)
            await replica.PutAsync($"k{i}", i);

        var tags = new[] { ("replica", (object)"sized.map"), ("node", (object)node.Name.ToString()) };
        metrics.Collect();
        Assert.Equal(3, metrics.Last("horde.crdt.replica.size", tags));

        await replica.StopAsync();
        var before = metrics.Values("horde.crdt.replica.size", tags).Count;
        metrics.Collect();
        Assert.Equal(before, metrics.Values("horde.crdt.replica.size", tags).Count); // a stopped replica is no longer measured
    }
}
