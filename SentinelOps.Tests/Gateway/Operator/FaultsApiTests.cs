using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Operator;

/// <summary><c>/api/providers/{name}/faults</c>: the gateway forwards to a real simulator over HTTP.</summary>
public sealed class FaultsApiTests : IAsyncLifetime
{
    private SimulatorServer _simulator = null!;
    private GatewayApplication _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);

        // fallback has no ControlEndpoint: a real provider.
        _gateway = GatewayApplication.WithProviders(_simulator.ProviderEndpoint, _simulator.BaseAddress, new Uri("http://127.0.0.1:9/"));
        _http = _gateway.CreateClient();
    }

    [Fact]
    public async Task PutWithoutBody_SimulatesAnOutage_AndDeleteRestores()
    {
        var put = await _http.PutAsync("/api/providers/primary/faults", content: null);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var status = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("primary", status.GetProperty("provider").GetString());
        Assert.Equal("error_503", status.GetProperty("mode").GetString());

        // The simulator really fails now.
        using var direct = _simulator.CreateHttpClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await direct.GetAsync("v1/models")).StatusCode);
        Assert.Equal("error_503", (await _http.GetFromJsonAsync<JsonElement>("/api/providers/primary/faults")).GetProperty("mode").GetString());

        var delete = await _http.DeleteAsync("/api/providers/primary/faults");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal("healthy", (await delete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("v1/models")).StatusCode);
    }

    [Fact]
    public async Task Put_ForwardsTheGivenFault()
    {
        var put = await _http.PutAsJsonAsync("/api/providers/primary/faults", new { mode = "rate_limited", retry_after_seconds = 7, requests = 1 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var stats = await _simulator.GetStatsAsync();
        using var direct = _simulator.CreateHttpClient();
        var limited = await direct.GetAsync("v1/models");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.Headers.RetryAfter?.Delta);
        Assert.True((await _simulator.GetStatsAsync()).Requests > stats.Requests);
    }

    [Fact]
    public async Task InvalidFault_IsA400NamingTheField()
    {
        var unknownMode = await _http.PutAsJsonAsync("/api/providers/primary/faults", new { mode = "on_fire" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownMode.StatusCode);
        Assert.Equal("application/problem+json", unknownMode.Content.Headers.ContentType?.MediaType);
        Assert.True((await unknownMode.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("mode", out _));

        var wrongType = await _http.PutAsJsonAsync("/api/providers/primary/faults", new { mode = "latency", latency_ms = "slow" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True((await wrongType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("latency_ms", out _));

        using var direct = _simulator.CreateHttpClient();
        Assert.Equal("healthy", (await direct.GetFromJsonAsync<JsonElement>("control/faults")).GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData("fallback", "no-fault-control")]
    [InlineData("gemini", "unknown-provider")]
    public async Task ProviderWithoutFaultControl_Is404Problem(string provider, string problem)
    {
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Put, $"/api/providers/{provider}/faults"),
            new HttpRequestMessage(HttpMethod.Delete, $"/api/providers/{provider}/faults"),
            new HttpRequestMessage(HttpMethod.Get, $"/api/providers/{provider}/faults"),
        })
        {
            var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.EndsWith(problem, body.GetProperty("type").GetString());
            Assert.Contains(provider, body.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task UnreachableSimulator_Is502Problem()
    {
        await _simulator.DisposeAsync();
        _simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI); // for DisposeAsync; the gateway still points at the old port

        var response = await _http.PutAsync("/api/providers/primary/faults", content: null);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("primary", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}
