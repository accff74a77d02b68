using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace ExCluster.Tests;

/// <summary>The HTTP API of the issue, on a real three-node cluster: every endpoint, from different nodes, and bad input.</summary>
public sealed class HttpApiTests(ApiCluster fixture) : IClassFixture<ApiCluster>
{
    private readonly HttpClient _http = fixture.Http;

    private Uri Node(int i, string path) => new(fixture.Cluster.Nodes[i].Http, path);

    private static string NewCustomer() => "c" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Put_starts_an_order_once_and_every_node_reads_it_with_the_node_it_runs_on()
    {
        var customer = NewCustomer();
        var created = await ReadOrderAsync(await _http.PutAsync(Node(0, $"orders/{customer}"), null));
        Assert.Equal(customer, created.Customer);
        Assert.Empty(created.Items);
        Assert.Contains(created.Node, fixture.Cluster.Nodes.Select(n => n.Name));

        await ReadOrderAsync(await _http.PostAsJsonAsync(Node(1, $"orders/{customer}/items"), new[] { 4, 2 }));
        var again = await ReadOrderAsync(await _http.PutAsync(Node(2, $"orders/{customer}"), null)); // idempotent: the same order
        Assert.Equal([4, 2], again.Items);
        Assert.Equal(created.Node, again.Node);
        for (var i = 0; i < 3; i++)
        {
            var read = await ReadOrderAsync(await _http.GetAsync(Node(i, $"orders/{customer}")));
            Assert.Equal((customer, again.Node), (read.Customer, read.Node));
            Assert.Equal(again.Items, read.Items);
        }
    }

    [Fact]
    public async Task Post_appends_in_order_and_answers_the_order_after_the_append()
    {
        var customer = NewCustomer();
        await ReadOrderAsync(await _http.PutAsync(Node(1, $"orders/{customer}"), null));
        Assert.Equal(new[] { 1, 2, 3 }, (await ReadOrderAsync(await _http.PostAsJsonAsync(Node(0, $"orders/{customer}/items"), new[] { 1, 2, 3 }))).Items);
        Assert.Equal(new[] { 1, 2, 3 }, (await ReadOrderAsync(await _http.PostAsJsonAsync(Node(2, $"orders/{customer}/items"), Array.Empty<int>()))).Items);
        Assert.Equal(new[] { 1, 2, 3, -7, int.MaxValue }, (await ReadOrderAsync(await _http.PostAsJsonAsync(Node(1, $"orders/{customer}/items"), new[] { -7, int.MaxValue }))).Items);
    }

    [Fact]
    public async Task An_order_that_does_not_exist_is_404_problem_json_for_get_post_and_delete_and_a_post_does_not_create_it()
    {
        var customer = NewCustomer();
        await AssertProblemAsync(HttpStatusCode.NotFound, await _http.GetAsync(Node(0, $"orders/{customer}")));
        await AssertProblemAsync(HttpStatusCode.NotFound, await _http.PostAsJsonAsync(Node(1, $"orders/{customer}/items"), new[] { 1 }));
        await AssertProblemAsync(HttpStatusCode.NotFound, await _http.DeleteAsync(Node(2, $"orders/{customer}")));
        await AssertProblemAsync(HttpStatusCode.NotFound, await _http.GetAsync(Node(1, $"orders/{customer}")));
    }

    [Fact]
    public async Task Delete_stops_and_forgets_the_order_on_every_node_and_a_new_put_starts_it_empty()
    {
        var customer = NewCustomer();
        await ReadOrderAsync(await _http.PutAsync(Node(0, $"orders/{customer}"), null));
        await ReadOrderAsync(await _http.PostAsJsonAsync(Node(0, $"orders/{customer}/items"), new[] { 9 }));
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(Node(1, $"orders/{customer}"))).StatusCode);
        for (var i = 0; i < 3; i++)
            await AssertProblemAsync(HttpStatusCode.NotFound, await _http.GetAsync(Node(i, $"orders/{customer}")));
        Assert.Empty((await ReadOrderAsync(await _http.PutAsync(Node(2, $"orders/{customer}"), null))).Items);
    }

    [Theory]
    [InlineData("{\"items\":[1]}")]
    [InlineData("[1,\"2\"]")]
    [InlineData("[1.5]")]
    [InlineData("[2147483648]")]
    [InlineData("null")]
    [InlineData("[1,")]
    [InlineData("one")]
    [InlineData("")]
    public async Task A_body_that_is_not_an_array_of_integers_is_400_problem_json_and_changes_nothing(string body)
    {
        var customer = NewCustomer();
        await ReadOrderAsync(await _http.PutAsync(Node(0, $"orders/{customer}"), null));
        await ReadOrderAsync(await _http.PostAsJsonAsync(Node(0, $"orders/{customer}/items"), new[] { 5 }));
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.PostAsync(Node(1, $"orders/{customer}/items"), new StringContent(body, Encoding.UTF8, "application/json")));
        Assert.Equal(new[] { 5 }, (await ReadOrderAsync(await _http.GetAsync(Node(2, $"orders/{customer}")))).Items);
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_400_problem_json_with_or_without_a_length_and_changes_nothing()
    {
        var customer = NewCustomer();
        await ReadOrderAsync(await _http.PutAsync(Node(0, $"orders/{customer}"), null));
        var big = "[" + string.Join(',', Enumerable.Repeat("1", (1 << 20) / 2 + 1)) + "]"; // a valid array, just too long
        Assert.True(Encoding.UTF8.GetByteCount(big) > 1 << 20);
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.PostAsync(Node(1, $"orders/{customer}/items"), new StringContent(big, Encoding.UTF8, "application/json")));
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))); // no Content-Length: read until past the limit
        chunked.Headers.ContentType = new("application/json");
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, Node(2, $"orders/{customer}/items")) { Content = chunked, Headers = { TransferEncodingChunked = true } }));
        Assert.Empty((await ReadOrderAsync(await _http.GetAsync(Node(0, $"orders/{customer}")))).Items);
    }

    [Fact]
    public async Task A_blank_or_over_long_customer_is_400_problem_json_and_starts_nothing()
    {
        var tooLong = new string('x', OrderInput.MaxCustomerLength + 1);
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.PutAsync(Node(0, $"orders/{tooLong}"), null));
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.PutAsync(Node(0, "orders/%20%20"), null));
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.PostAsJsonAsync(Node(1, $"orders/{tooLong}/items"), new[] { 1 }));
        await AssertProblemAsync(HttpStatusCode.BadRequest, await _http.GetAsync(Node(2, $"orders/{tooLong}")));
        var longest = new string('y', OrderInput.MaxCustomerLength);
        Assert.Equal(longest, (await ReadOrderAsync(await _http.PutAsync(Node(1, $"orders/{longest}"), null))).Customer);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(Node(1, $"orders/{longest}"))).StatusCode);
    }

    [Fact]
    public async Task Cluster_names_this_node_and_every_member_on_each_node_and_the_probes_and_dashboard_answer()
    {
        var names = fixture.Cluster.Nodes.Select(n => n.Name).Order(StringComparer.Ordinal).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var cluster = await _http.GetFromJsonAsync<ClusterView>(Node(i, "cluster"));
            Assert.Equal(fixture.Cluster.Nodes[i].Name, cluster!.Node);
            Assert.Equal(names, cluster.Members);
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(Node(i, "health/ready"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(Node(i, "health/live"))).StatusCode);
        }
        // The dashboard's state lists every member and the orders supervisor.
        var state = await _http.GetStringAsync(Node(0, "horde/state"));
        Assert.All(names, name => Assert.Contains(name, state));
        Assert.Contains("orders", state);
    }

    private static async Task<OrderView> ReadOrderAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return System.Text.Json.JsonSerializer.Deserialize<OrderView>(body, System.Text.Json.JsonSerializerOptions.Web)!;
        }
    }

    private static async Task AssertProblemAsync(HttpStatusCode status, HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = System.Text.Json.JsonDocument.Parse(body);
            Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
        }
    }
}
