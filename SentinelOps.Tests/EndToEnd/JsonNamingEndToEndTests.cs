using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>Every service answers in the one naming rule: snake_case members, lowercase snake_case values, units in names.</summary>
[Collection(SentinelAppCollection.Name)]
public sealed class JsonNamingEndToEndTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ProviderStatus_UsesLowercaseStatesAndKinds_AndSecondsInNames()
    {
        using var gateway = fixture.CreateGatewayClient();

        using var body = JsonDocument.Parse(await gateway.GetStringAsync("/api/providers/status"));

        var primary = body.RootElement.GetProperty("primary");
        Assert.Equal("openai", primary.GetProperty("kind").GetString());
        Assert.Equal("ollama", body.RootElement.GetProperty("fallback").GetProperty("kind").GetString());
        var circuit = primary.GetProperty("circuit_breaker");
        Assert.Equal("closed", circuit.GetProperty("state").GetString());
        Assert.True(circuit.TryGetProperty("retry_after_seconds", out _));
        Assert.False(circuit.TryGetProperty("retry_after", out _));
    }

    [Fact]
    public async Task AnOpenCircuit_IsReportedAsOpen()
    {
        using var gateway = fixture.CreateGatewayClient();
        await fixture.ExecuteCommandAsync("primary", "simulate-outage");
        for (var i = 0; i < 5; i++)
        {
            (await gateway.PostAsJsonAsync("/api/chat", new { message = "trip it" })).EnsureSuccessStatusCode();
        }

        using var body = JsonDocument.Parse(await gateway.GetStringAsync("/api/providers/status"));

        var circuit = body.RootElement.GetProperty("primary").GetProperty("circuit_breaker");
        // The gateway's own breaker opens it, unless the monitor's probe (every 2 s here) isolated it first.
        var state = circuit.GetProperty("state").GetString();
        Assert.Contains(state, new[] { "open", "half_open", "isolated" });
        Assert.Equal(state == "open" ? JsonValueKind.Number : JsonValueKind.Null, circuit.GetProperty("retry_after_seconds").ValueKind);
    }

    [Fact]
    public async Task SimulatorControl_UsesSnakeCase()
    {
        using var simulator = fixture.CreateSimulatorClient("primary");

        var response = await simulator.PutAsJsonAsync("/control/faults", new { mode = "rate_limited", retry_after_seconds = 3, duration_seconds = 30 });
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rate_limited", body.RootElement.GetProperty("mode").GetString());
        Assert.Equal(3, body.RootElement.GetProperty("fault").GetProperty("retry_after_seconds").GetInt32());
        Assert.Equal(JsonValueKind.String, body.RootElement.GetProperty("expires_at").ValueKind);
    }
}
