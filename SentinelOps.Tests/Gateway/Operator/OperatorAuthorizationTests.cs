using System.Net;
using SentinelOps.Simulator;
using SentinelOps.Tests.Gateway.Security;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Operator;

/// <summary>With client keys configured: operational writes need the admin scope; the page and the reference stay open.</summary>
public sealed class OperatorAuthorizationTests : IAsyncLifetime
{
    private SimulatorServer _simulator = null!;
    private GatewayApplication _gateway = null!;

    public async Task InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        _gateway = GatewayApplication.WithProviders(_simulator.ProviderEndpoint, _simulator.BaseAddress, new Uri("http://127.0.0.1:9/"), SecurityTestKeys.Settings());
    }

    [Theory]
    [InlineData("PUT", "/api/providers/primary/faults")]
    [InlineData("DELETE", "/api/providers/primary/faults")]
    [InlineData("POST", "/api/providers/circuits/reset")]
    public async Task OperationalWrites_NeedTheAdminScope(string method, string path)
    {
        using var http = _gateway.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, method, path, key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, method, path, SecurityTestKeys.Chat)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, method, path, SecurityTestKeys.Admin)).StatusCode);
    }

    [Fact]
    public async Task ReadingTheFault_NeedsAnyKey()
    {
        using var http = _gateway.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "GET", "/api/providers/primary/faults", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, "GET", "/api/providers/primary/faults", SecurityTestKeys.Chat)).StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/docs/")]
    [InlineData("/openapi/v1.json")]
    public async Task PageAndReference_AreOpen(string path)
    {
        using var http = _gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _simulator.SetFaultAsync(new { mode = "healthy" });
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        return http.SendAsync(request);
    }
}
