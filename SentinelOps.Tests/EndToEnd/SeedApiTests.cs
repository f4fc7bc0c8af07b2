using System.Net;
using System.Text;
using System.Text.Json;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>The seed's own example request, byte for byte, answers with the seed's nine response fields.</summary>
[Collection(SentinelAppCollection.Name)]
public sealed class SeedApiTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    // From the seed's API reference: curl -X POST http://localhost:8000/api/chat -H "Content-Type: application/json" -d '…'
    private const string SeedBody = """
        {
            "messages": [
              {"role": "user", "content": "Explain circuit breakers in distributed systems."}
            ],
            "max_tokens": 512,
            "temperature": 0.7
          }
        """;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheSeedsCurlBody_AnswersFromPrimary_WithAllNineFields()
    {
        using var http = fixture.CreateGatewayClient();

        using var response = await http.PostAsync("/api/chat", new StringContent(SeedBody, Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(
            ["failover_chain", "failover_occurred", "latency_ms", "model", "provider_used", "response_text", "status", "tokens_used", "trace_id"],
            body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("trace_id").GetString()));
        Assert.Equal("primary", body.GetProperty("provider_used").GetString());
        Assert.Equal("sim-gpt-4o-mini", body.GetProperty("model").GetString());
        Assert.Equal("Simulated answer to: Explain circuit breakers in distributed systems.", body.GetProperty("response_text").GetString());
        Assert.True(body.GetProperty("latency_ms").GetDouble() > 0);
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("failover_occurred").GetBoolean());
        Assert.Equal(0, body.GetProperty("failover_chain").GetArrayLength());
        Assert.True(body.GetProperty("tokens_used").GetInt32() > 0);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.Contains("x-request-id"));
    }
}
