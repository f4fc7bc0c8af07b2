using System.Net.Http.Json;
using System.Text.Json;
using SentinelOps.Tests.Gateway.Security;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Caching;

/// <summary>
/// The response cache in the running gateway over a real redis-server: what is served twice, to whom, and what never is.
/// </summary>
public sealed class ResponseCacheTests : TwoSimulatorsTest
{
    private const string AtTemperatureZero = """{"model":"m","temperature":0,"messages":[{"role":"user","content":"what is a circuit breaker"}]}""";

    [Fact]
    public async Task TheSecondIdenticalTemperatureZeroRequest_ReachesNoProvider_AndIsMarkedAndCountedAsAHit()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await StartAsync(redis);
        using var http = gateway.CreateClient(SecurityTestKeys.Chat);

        using var first = await PostAsync(http, AtTemperatureZero);
        var callsAfterFirst = (await Primary.GetStatsAsync()).ChatRequests;
        using var second = await PostAsync(http, AtTemperatureZero);

        Assert.False(first.Headers.Contains("x-sentinel-cache"));
        Assert.Equal("hit", second.Headers.GetValues("x-sentinel-cache").Single());
        Assert.Equal("cache", second.Headers.GetValues("x-sentinel-provider").Single());
        Assert.Equal(1, callsAfterFirst);
        Assert.Equal(callsAfterFirst, (await Primary.GetStatsAsync()).ChatRequests);
        Assert.Equal(await TextOf(first), await TextOf(second));

        // The seed's endpoint is served from the same cache, and says so.
        using var seed = await http.PostAsJsonAsync("api/chat", new { messages = new[] { new { role = "user", content = "hi" } }, temperature = 0 });
        using var seedAgain = await http.PostAsJsonAsync("api/chat", new { messages = new[] { new { role = "user", content = "hi" } }, temperature = 0 });
        var again = await seedAgain.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cache", again.GetProperty("provider_used").GetString());
        Assert.False(again.GetProperty("failover_occurred").GetBoolean());

        var metrics = await WaitForMetricsAsync(http, m => m.GetProperty("total_cache_hits").GetInt64() == 2);
        Assert.Equal(4, metrics.GetProperty("total_successes").GetInt64());
    }

    [Theory]
    [InlineData("""{"model":"m","temperature":0.7,"messages":[{"role":"user","content":"what is a circuit breaker"}]}""", null)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"what is a circuit breaker"}]}""", null)]
    [InlineData("""{"model":"m","temperature":0,"stream":true,"messages":[{"role":"user","content":"what is a circuit breaker"}]}""", null)]
    [InlineData(AtTemperatureZero, "no-store")]
    public async Task WhatMayDiffer_OrWhatTheCallerForbids_IsNeverServedFromTheCache(string body, string? cacheControl)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await StartAsync(redis);
        using var http = gateway.CreateClient(SecurityTestKeys.Chat);

        for (var i = 0; i < 3; i++)
        {
            using var response = await PostAsync(http, body, cacheControl);
            Assert.False(response.Headers.Contains("x-sentinel-cache"));
        }

        Assert.Equal(3, (await Primary.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task AnAnswerCachedForOneClientKey_IsNotServedToAnother()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await StartAsync(redis);
        using var chat = gateway.CreateClient(SecurityTestKeys.Chat);
        using var other = gateway.CreateClient(SecurityTestKeys.Other);

        using var first = await PostAsync(chat, AtTemperatureZero);
        using var otherTenant = await PostAsync(other, AtTemperatureZero);
        using var sameTenant = await PostAsync(chat, AtTemperatureZero);

        Assert.False(otherTenant.Headers.Contains("x-sentinel-cache"));
        Assert.Equal("hit", sameTenant.Headers.GetValues("x-sentinel-cache").Single());
        Assert.Equal(2, (await Primary.GetStatsAsync()).ChatRequests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithRedisDownOrHung_RequestsAreAnsweredByTheProvider_AtOnce(bool hung)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await StartAsync(redis);
        using var http = gateway.CreateClient(SecurityTestKeys.Chat);
        using (await PostAsync(http, AtTemperatureZero))
        {
        }

        await (hung ? redis.FreezeAsync() : redis.StopAsync());
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                using var response = await PostAsync(http, AtTemperatureZero);
                Assert.Equal("primary", response.Headers.GetValues("x-sentinel-provider").Single());

                // A Redis known to be down costs nothing (the cache is skipped); a hung one at most the cache's own
                // limit (250 ms a read, 250 ms a write).
                Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(hung ? 3 : 1));
            }
        }
        finally
        {
            if (hung)
            {
                await redis.ThawAsync();
            }
        }
    }

    private Task<GatewayServer> StartAsync(RedisServer redis)
    {
        var settings = SecurityTestKeys.Settings();
        settings["Gateway:Cache:Enabled"] = "true";
        return GatewayServer.StartAsync(Primary, Fallback, redis.ConnectionString, settings);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? cacheControl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (cacheControl is not null)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }

        var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<string> TextOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    private static async Task<JsonElement> WaitForMetricsAsync(HttpClient http, Func<JsonElement, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var metrics = await http.GetFromJsonAsync<JsonElement>("api/metrics", deadline.Token);
            if (done(metrics))
            {
                return metrics;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
