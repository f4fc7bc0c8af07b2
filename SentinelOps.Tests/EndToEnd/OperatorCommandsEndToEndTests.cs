using System.Net.Http.Json;
using System.Text.Json;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>The gateway's operator surface in the running system: the dashboard's "Reset circuits" and fault forwarding.</summary>
[Collection(SentinelAppCollection.Name)]
public sealed class OperatorCommandsEndToEndTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task ResetCircuitsCommand_ClosesTheCircuitOfAProviderThatFailed()
    {
        using var gateway = fixture.CreateGatewayClient();

        // Outage through the gateway's own fault endpoint (the AppHost gave it the simulator's control endpoint).
        (await gateway.PutAsync("/api/providers/primary/faults", content: null)).EnsureSuccessStatusCode();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await CircuitStateAsync(gateway, deadline.Token) == "closed")
        {
            await gateway.PostAsJsonAsync("/api/chat", new { message = "trip the breaker" }, deadline.Token);
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }

        // Mended, but the circuit would stay open until its break ends or the monitor's next report.
        (await gateway.DeleteAsync("/api/providers/primary/faults", deadline.Token)).EnsureSuccessStatusCode();
        await fixture.ExecuteCommandAsync("gateway", "reset-circuits");

        Assert.Equal("closed", await CircuitStateAsync(gateway, deadline.Token));
        var answer = await (await gateway.PostAsJsonAsync("/api/chat", new { message = "back?" }, deadline.Token)).Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
        Assert.Equal("primary", answer.GetProperty("provider_used").GetString());
    }

    public Task DisposeAsync() => fixture.ResetAsync();

    private static async Task<string?> CircuitStateAsync(HttpClient gateway, CancellationToken cancellationToken)
    {
        var status = await gateway.GetFromJsonAsync<JsonElement>("/api/providers/status", cancellationToken);
        return status.GetProperty("primary").GetProperty("circuit_breaker").GetProperty("state").GetString()?.ToLowerInvariant();
    }
}
