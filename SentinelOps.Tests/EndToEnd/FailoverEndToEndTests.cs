using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.AI;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>The running system through real HTTP: gateway, simulators, Redis, monitor, each its own process.</summary>
public sealed class FailoverEndToEndTests(SentinelAppFixture fixture) : IClassFixture<SentinelAppFixture>
{
    [Fact]
    public async Task Outage_FailsOverToFallback_AndRestoreReturnsToPrimary()
    {
        using var gateway = fixture.CreateGatewayClient();
        try
        {
            var before = await ChatAsync(gateway);
            Assert.Equal("primary", before.GetProperty("provider_used").GetString());
            Assert.False(before.GetProperty("failover_occurred").GetBoolean());
            Assert.Equal("Simulated answer to: hello from the tests", before.GetProperty("response_text").GetString());

            await fixture.ExecuteCommandAsync("primary", "simulate-outage");
            var during = await ChatAsync(gateway);
            Assert.Equal("fallback", during.GetProperty("provider_used").GetString());
            Assert.True(during.GetProperty("failover_occurred").GetBoolean());
            Assert.Equal(["primary"], during.GetProperty("failover_chain").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("Simulated answer to: hello from the tests", during.GetProperty("response_text").GetString());

            await fixture.ExecuteCommandAsync("primary", "restore");
            var after = await ChatAsync(gateway);
            Assert.Equal("primary", after.GetProperty("provider_used").GetString());
            Assert.Empty(after.GetProperty("failover_chain").EnumerateArray());
        }
        finally
        {
            await fixture.ExecuteCommandAsync("primary", "restore");
        }
    }

    [Fact]
    public async Task EveryProviderDown_Is503Problem_ListingEachProvidersError()
    {
        using var gateway = fixture.CreateGatewayClient();
        try
        {
            await fixture.ExecuteCommandAsync("primary", "simulate-outage");
            await fixture.ExecuteCommandAsync("fallback", "simulate-outage");

            var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "anyone there?" });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var errors = problem.RootElement.GetProperty("errors").EnumerateArray().ToArray();
            Assert.Equal(["primary", "fallback"], errors.Select(e => e.GetProperty("provider").GetString()));
            Assert.All(errors, e => Assert.Equal(503, e.GetProperty("status_code").GetInt32()));
        }
        finally
        {
            await fixture.ExecuteCommandAsync("primary", "restore");
            await fixture.ExecuteCommandAsync("fallback", "restore");
        }
    }

    [Fact]
    public async Task InvalidChatRequest_IsProblemJson_NamingTheField()
    {
        using var gateway = fixture.CreateGatewayClient();

        var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "hi", max_tokens = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("max_tokens", out _));
    }

    [Theory]
    [InlineData("primary", ProviderKind.OpenAI, "/v1", "sim-gpt-4o-mini")]
    [InlineData("fallback", ProviderKind.Ollama, "/", "llama3.2:1b")]
    public async Task RealClient_StreamsFromTheRunningSimulator(string resource, ProviderKind kind, string path, string model)
    {
        var endpoint = new Uri(fixture.App.GetEndpoint(resource, "http"), path);
        using var client = ProviderChatClientFactory.Create(
            new ProviderOptions { Name = resource, Kind = kind, Endpoint = endpoint, Model = model },
            new HttpClient());

        var updates = await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "stream this please")]).ToListAsync();

        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "the answer arrives in several chunks");
        Assert.Equal("Simulated answer to: stream this please", updates.ToChatResponse().Text);
    }

    private static async Task<JsonElement> ChatAsync(HttpClient gateway)
    {
        var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "hello from the tests" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
