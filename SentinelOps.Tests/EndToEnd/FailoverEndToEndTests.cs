using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>The running system through real HTTP: gateway, simulators, Redis, monitor, each its own process.</summary>
[Collection(SentinelAppCollection.Name)]
public sealed class FailoverEndToEndTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Outage_FailsOverToFallback_AndRestoreReturnsToPrimaryWithinABreak()
    {
        using var gateway = fixture.CreateGatewayClient();

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
        var restored = DateTimeOffset.UtcNow;
        JsonElement after;
        do
        {
            after = await ChatAsync(gateway);
        }
        while (after.GetProperty("provider_used").GetString() != "primary" && DateTimeOffset.UtcNow - restored < SentinelAppFixture.MaxBreakDuration * 2);

        Assert.Equal("primary", after.GetProperty("provider_used").GetString());
        Assert.Empty(after.GetProperty("failover_chain").EnumerateArray());
    }

    [Fact]
    public async Task EveryProviderDown_Is503Problem_ListingEachProvider_WithRetryAfter()
    {
        using var gateway = fixture.CreateGatewayClient();
        await fixture.ExecuteCommandAsync("primary", "simulate-outage");
        await fixture.ExecuteCommandAsync("fallback", "simulate-outage");

        var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "anyone there?" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal(["primary", "fallback"], errors.Select(e => e.GetProperty("provider").GetString()));
        // Either the request met the primary's 503 itself, or the monitor's probe (every 2 s here) had isolated it first.
        Assert.All(errors, e => Assert.True(
            e.GetProperty("status_code") is { ValueKind: JsonValueKind.Number } status
                ? status.GetInt32() == 503
                : e.GetProperty("error").GetString()!.Contains("circuit", StringComparison.Ordinal),
            e.GetRawText()));
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

    [Fact]
    public async Task SteadyTraffic_ThroughA500Outage_NoClientErrors_PrimaryCallsBoundedByTheBreaker_ThenBackToPrimary()
    {
        const int Workers = 2;
        var outage = TimeSpan.FromSeconds(30);
        await fixture.SetFaultAsync("primary", new { mode = "error_500", duration_seconds = outage.TotalSeconds });
        var outageEnds = DateTimeOffset.UtcNow + outage;
        var trafficEnds = outageEnds + SentinelAppFixture.MaxBreakDuration + TimeSpan.FromSeconds(2);

        var results = await Task.WhenAll(Enumerable.Range(0, Workers).Select(async _ =>
        {
            using var gateway = fixture.CreateGatewayClient();
            var seen = new List<(DateTimeOffset At, HttpStatusCode Status, string? Provider)>();
            while (DateTimeOffset.UtcNow < trafficEnds)
            {
                var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "steady" });
                var provider = response.IsSuccessStatusCode
                    ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("provider_used").GetString()
                    : null;
                seen.Add((DateTimeOffset.UtcNow, response.StatusCode, provider));
            }

            return seen;
        }));
        var all = results.SelectMany(r => r).OrderBy(r => r.At).ToList();

        Assert.True(all.Count > 20, $"steady traffic: {all.Count} requests");
        Assert.All(all, r => Assert.Equal(HttpStatusCode.OK, r.Status));

        // Without a breaker every request would hit the dead primary (three times, with retries). With it: the
        // threshold on each replica (another replica may count up to its own before the first one's open reaches it),
        // what was in flight when it opened, and one trial per break across the replicas.
        var primaryCallsDuringOutage = (await fixture.GetStatsAsync("primary")).FaultedRequests;
        var bound = 3 * SentinelAppFixture.GatewayReplicas + Workers + (int)Math.Ceiling(outage / SentinelAppFixture.BreakDuration);
        Assert.InRange(primaryCallsDuringOutage, 3, bound);

        var backOnPrimary = all.First(r => r.At > outageEnds && r.Provider == "primary").At;
        Assert.True(backOnPrimary - outageEnds <= SentinelAppFixture.MaxBreakDuration + TimeSpan.FromSeconds(1), $"back on primary {(backOnPrimary - outageEnds).TotalSeconds:0.0} s after the outage");
    }

    [Fact]
    public async Task PrimaryHanging_EveryStreamStillCompletes_WithinTheTimeToFirstTokenPlusTheFallbacksLatency()
    {
        using var gateway = fixture.CreateGatewayClient();
        var healthyLatency = await TimeAsync(() => StreamThroughGatewayAsync(gateway, expectedProvider: "primary"));
        await fixture.SetFaultAsync("primary", new { mode = "hang" });

        var durations = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            durations.Add(await TimeAsync(() => StreamThroughGatewayAsync(gateway, expectedProvider: "fallback")));
        }

        // The simulators stream alike, so a healthy stream's time stands for the fallback's latency.
        var bound = SentinelAppFixture.TimeToFirstToken + healthyLatency + TimeSpan.FromSeconds(1);
        Assert.All(durations, d => Assert.True(d <= bound, $"{d.TotalSeconds:0.00} s > {bound.TotalSeconds:0.00} s"));

        // Once three hangs have opened the circuit, the hung provider costs nothing at all (until a trial after the break).
        Assert.Contains(durations.Skip(3), d => d < SentinelAppFixture.TimeToFirstToken);
    }

    [Fact]
    public async Task PrimaryHanging_NonStreamingRequests_CompleteWithinTheTimeToFirstTokenPlusTheFallback()
    {
        using var gateway = fixture.CreateGatewayClient();
        await fixture.SetFaultAsync("primary", new { mode = "hang" });

        var duration = await TimeAsync(async () =>
        {
            var answer = await ChatAsync(gateway);
            Assert.Equal("fallback", answer.GetProperty("provider_used").GetString());
        });

        // Non-streaming requests travel to the provider as streams: the hang is caught at the time-to-first-token
        // limit, not at the longer whole-answer limit.
        Assert.True(duration <= SentinelAppFixture.TimeToFirstToken + TimeSpan.FromSeconds(1.5), $"{duration.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task MidStreamFailure_IsContinuedByTheFallback_InTheSameStream()
    {
        using var gateway = fixture.CreateGatewayClient();
        await fixture.SetFaultAsync("primary", new { mode = "stream_cut", after_chunks = 2 });

        var response = await gateway.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "any",
            stream = true,
            messages = new[] { new { role = "user", content = "tell me a long story" } },
        });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("primary", response.Headers.GetValues("x-sentinel-provider").Single());
        Assert.Contains(": x-sentinel continued provider=fallback after=primary reason=cut", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
    }

    [Fact]
    public async Task MidStreamFailure_WithContinuationOff_EndsTheStreamWithAnErrorEvent_NeverACleanDone()
    {
        using var gateway = fixture.CreateGatewayClient();
        await fixture.SetFaultAsync("primary", new { mode = "stream_cut", after_chunks = 2 });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "any",
                stream = true,
                messages = new[] { new { role = "user", content = "tell me a long story" } },
            }),
        };
        request.Headers.Add("x-sentinel-continuation", "off");
        var response = await gateway.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("primary", response.Headers.GetValues("x-sentinel-provider").Single());
        Assert.Contains("Simulated ", body);
        Assert.Contains("\"code\":\"stream_interrupted\"", body);
        Assert.DoesNotContain("[DONE]", body);
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

    private static async Task StreamThroughGatewayAsync(HttpClient gateway, string expectedProvider)
    {
        var response = await gateway.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "any",
            stream = true,
            messages = new[] { new { role = "user", content = "stream please" } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(expectedProvider, response.Headers.GetValues("x-sentinel-provider").Single());
        Assert.EndsWith("data: [DONE]\n\n", body);
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await action();
        return System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }
}
