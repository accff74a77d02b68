using Horde.Net.Cluster;

namespace Horde.Net.Cluster.Tests;

public class NodeNameTests
{
    [Theory]
    [InlineData("count1@127.0.0.1:4000", "count1", "127.0.0.1", 4000)]
    [InlineData("a@[::1]:80", "a", "::1", 80)]
    [InlineData("web@orders-0.orders.default.svc:4369", "web", "orders-0.orders.default.svc", 4369)]
    public void Parses_and_prints_round_trip(string text, string name, string host, int port)
    {
        var node = NodeName.Parse(text);
        Assert.Equal((name, host, port), (node.Name, node.Host, node.Port));
        Assert.Equal(text, node.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("nohost")]
    [InlineData("@127.0.0.1:1")]
    [InlineData("a@127.0.0.1")]
    [InlineData("a@127.0.0.1:0")]
    [InlineData("a@127.0.0.1:70000")]
    [InlineData("a@::1:80")]
    [InlineData("a b@h:1")]
    public void Rejects_malformed_names_with_a_clear_message(string text)
    {
        var error = Assert.Throws<FormatException>(() => NodeName.Parse(text));
        Assert.Contains(text, error.Message);
        Assert.False(NodeName.TryParse(text, out _));
    }
}
