using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Operator;

/// <summary><c>POST /api/providers/circuits/reset</c> on the real gateway application.</summary>
public sealed class CircuitsApiTests : IDisposable
{
    private readonly GatewayApplication _gateway = GatewayApplication.WithProviders(
        new Uri("http://127.0.0.1:9/v1"), null, new Uri("http://127.0.0.1:9/"));

    [Fact]
    public async Task Reset_ClosesEveryCircuit_AndReportsWhatItWasBefore()
    {
        using var http = _gateway.CreateClient();
        var chain = _gateway.Services.GetRequiredService<ProviderChain>();
        chain.Find("primary")!.Breaker!.Isolate("test");
        Assert.Equal(CircuitState.Isolated, chain.Find("primary")!.Breaker!.State);

        var response = await http.PostAsync("/api/providers/circuits/reset", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(chain.Providers, p => Assert.Equal(CircuitState.Closed, p.Breaker!.State));
        var circuits = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("circuits");
        Assert.Equal("ISOLATED", circuits.GetProperty("primary").GetProperty("previous_state").GetString(), ignoreCase: true);
        Assert.Equal("CLOSED", circuits.GetProperty("primary").GetProperty("state").GetString(), ignoreCase: true);
        Assert.Equal("CLOSED", circuits.GetProperty("fallback").GetProperty("previous_state").GetString(), ignoreCase: true);
    }

    public void Dispose() => _gateway.Dispose();
}
