using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;
using StackExchange.Redis;

namespace SentinelOps.Tests.Gateway.Events;

/// <summary>
/// The real gateway in process, over two simulators and a real redis-server: the incidents and metrics endpoints, the
/// monitor subscription, and what happens while Redis is down.
/// </summary>
public sealed class GatewayEventsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private RedisServer _redis = null!;
    private SimulatorServer _primary = null!;
    private SimulatorServer _fallback = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        _fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
    }

    public async Task DisposeAsync()
    {
        await _primary.DisposeAsync();
        await _fallback.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Theory]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=99999999999999", "limit")]
    [InlineData("type=bogus", "type")]
    [InlineData("type=PROVIDER_DOWN", "type")]
    [InlineData("limit=10&type=outage", "type")]
    public async Task Incidents_BadQuery_IsA400ProblemNamingTheField(string query, string field)
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        using var http = gateway.CreateHttpClient();

        var response = await http.GetAsync("/api/incidents?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}");
    }

    [Fact]
    public async Task Incidents_NewestFirst_FilteredByType()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        var sink = gateway.Services.GetRequiredService<RedisSentinelEventSink>();
        var start = DateTimeOffset.UtcNow;
        // (Not provider_down: the gateway's own subscription would isolate the primary and add an incident.)
        sink.RecordIncident(new Incident(string.Empty, IncidentType.ProviderDegraded, "primary", start, "first"));
        sink.RecordIncident(new Incident(string.Empty, IncidentType.CircuitOpened, "primary", start.AddSeconds(1), "second"));
        sink.RecordIncident(new Incident(string.Empty, IncidentType.CircuitClosed, "primary", start.AddSeconds(2), "third"));
        await WaitUntilAsync(() => sink.PendingIncidents == 0 && sink.StoredIncidents >= 3);
        using var http = gateway.CreateHttpClient();

        var newest = await GetJsonAsync(http, "/api/incidents?limit=2");
        var incidents = newest.GetProperty("incidents");
        Assert.Equal(["third", "second"], incidents.EnumerateArray().Select(i => i.GetProperty("detail").GetString()));
        Assert.Equal(2, newest.GetProperty("count").GetInt32());
        Assert.Equal("circuit_closed", incidents[0].GetProperty("type").GetString());
        Assert.Matches(@"^\d+-\d+$", incidents[0].GetProperty("id").GetString());

        var downs = (await GetJsonAsync(http, "/api/incidents?type=provider_degraded")).GetProperty("incidents");
        Assert.Equal(["first"], downs.EnumerateArray().Select(i => i.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task ProviderDown_IsolatesAtOnce_AndProviderRecoveredCloses()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        var breaker = gateway.Chain.Find("primary")!.Breaker!;
        await using var redis = await _redis.ConnectAsync();
        using var http = gateway.CreateHttpClient();
        Assert.Equal("primary", await ChatAsync(http));

        await PublishIncidentAsync(redis, IncidentType.ProviderDown);
        await WaitUntilAsync(() => breaker.State == CircuitState.Isolated);

        var before = (await _primary.GetStatsAsync()).Requests;
        Assert.Equal("fallback", await ChatAsync(http));
        Assert.Equal(before, (await _primary.GetStatsAsync()).Requests);

        await PublishIncidentAsync(redis, IncidentType.ProviderRecovered);
        await WaitUntilAsync(() => breaker.State == CircuitState.Closed);
        Assert.Equal("primary", await ChatAsync(http));

        // The gateway recorded both circuit changes, and the failover around the isolated primary, as its own incidents.
        var sink = gateway.Services.GetRequiredService<RedisSentinelEventSink>();
        await WaitUntilAsync(() => sink.PendingIncidents == 0 && sink.StoredIncidents >= 3);
        var types = (await GetJsonAsync(http, "/api/incidents?limit=10")).GetProperty("incidents").EnumerateArray()
            .Select(i => i.GetProperty("type").GetString()).ToList();
        Assert.Equal(["circuit_closed", "failover_triggered", "circuit_opened"], types);
    }

    [Fact]
    public async Task AStaleDownReport_IsIgnored_AFreshOneIsolates_AndAHealthyOneCloses()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        var breaker = gateway.Chain.Find("primary")!.Breaker!;
        await using var redis = await _redis.ConnectAsync();

        // Messages are applied in order: once a later one has taken effect, the stale one has been seen (and ignored).
        await PublishStatusAsync(redis, ProviderHealth.Down, DateTimeOffset.UtcNow - TimeSpan.FromHours(1));
        await PublishStatusAsync(redis, ProviderHealth.Down, DateTimeOffset.UtcNow, provider: "fallback");
        await WaitUntilAsync(() => gateway.Chain.Find("fallback")!.Breaker!.State == CircuitState.Isolated);
        Assert.Equal(CircuitState.Closed, breaker.State);

        await PublishStatusAsync(redis, ProviderHealth.Down, DateTimeOffset.UtcNow);
        await WaitUntilAsync(() => breaker.State == CircuitState.Isolated);

        await PublishStatusAsync(redis, ProviderHealth.Healthy, DateTimeOffset.UtcNow);
        await WaitUntilAsync(() => breaker.State == CircuitState.Closed);
    }

    [Fact]
    public async Task AStaleStoredHealthy_ReplayedOnReconnection_DoesNotCloseACircuitALaterLiveDownIsolated()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        var primary = gateway.Chain.Find("primary")!.Breaker!;
        var fallback = gateway.Chain.Find("fallback")!.Breaker!;
        await using var redis = await _redis.ConnectAsync();
        var now = DateTimeOffset.UtcNow;

        await PublishStatusAsync(redis, ProviderHealth.Down, now);
        await WaitUntilAsync(() => primary.State == CircuitState.Isolated);

        // The stored statuses are older than what the gateway has seen live; the fallback's shows when they were replayed.
        await StoreStatusAsync(redis, ProviderHealth.Healthy, now - TimeSpan.FromSeconds(10), provider: "primary");
        await StoreStatusAsync(redis, ProviderHealth.Down, now - TimeSpan.FromSeconds(10), provider: "fallback");
        await redis.GetServer(redis.GetEndPoints().Single()).ExecuteAsync("CLIENT", "KILL", "TYPE", "normal");
        await WaitUntilAsync(() => fallback.State == CircuitState.Isolated);

        Assert.Equal(CircuitState.Isolated, primary.State);
    }

    [Fact]
    public async Task OutagesAndRecoveriesPublishedBackToBack_AreAppliedInOrder()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        var breaker = gateway.Chain.Find("primary")!.Breaker!;
        await using var redis = await _redis.ConnectAsync();

        for (var i = 0; i < 20; i++)
        {
            await PublishIncidentAsync(redis, IncidentType.ProviderDown);
            await PublishIncidentAsync(redis, IncidentType.ProviderRecovered);
        }

        // Handled in order, the last word is "recovered"; a later message taking effect shows all were handled.
        await PublishStatusAsync(redis, ProviderHealth.Down, DateTimeOffset.UtcNow, provider: "fallback");
        await WaitUntilAsync(() => gateway.Chain.Find("fallback")!.Breaker!.State == CircuitState.Isolated);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task EachMessage_IsReadFromOneSubscription_AndReachesBothTheCircuitsAndTheWebSocketClients()
    {
        var subscriptions = new ConcurrentDictionary<string, int>();
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString, configure: builder =>
            builder.Services.AddSingleton(_ => SubscriptionCountingProxy.Wrap(
                ConnectionMultiplexer.Connect(_redis.ConnectionString + ",abortConnect=false"), subscriptions)));
        var primary = gateway.Chain.Find("primary")!.Breaker!;
        var fallback = gateway.Chain.Find("fallback")!.Breaker!;
        await using var events = await EventStreamClient.ConnectAsync(gateway.BaseAddress);
        await using var redis = await _redis.ConnectAsync();

        await PublishIncidentAsync(redis, IncidentType.ProviderDown);
        await PublishStatusAsync(redis, ProviderHealth.Down, DateTimeOffset.UtcNow, provider: "fallback");

        await WaitUntilAsync(() => primary.State == CircuitState.Isolated && fallback.State == CircuitState.Isolated);
        await events.WaitForEventAsync(EventTypes.ProviderStatus, p => p.GetProperty("provider").GetString() == "fallback", Timeout, "the fallback's report");
        Assert.Single(events.Seen, m => m.GetProperty("event_type").GetString() == EventTypes.Incident
            && m.GetProperty("payload").GetProperty("detail").GetString() == "from the test");

        // One subscriber on the channel, so each message is parsed once for both consumers. The replicas' circuit
        // decisions have a channel (and a subscription) of their own, which WebSocket clients never see.
        Assert.Equal(
            [(RedisKeys.Circuits, 1), (RedisKeys.Events, 1)],
            subscriptions.Select(s => (s.Key, s.Value)).Order());
    }

    [Fact]
    public async Task Metrics_CountEveryRequestOfEveryKind_AndSurviveARestart()
    {
        var expectedProviders = new Dictionary<string, (long Successes, long Failures)>();
        await using (var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString))
        {
            using var http = gateway.CreateHttpClient();
            Assert.Equal("primary", await ChatAsync(http));
            Assert.Equal("primary", await ChatAsync(http));
            (await http.PostAsJsonAsync("/v1/chat/completions", new { model = "any", messages = new[] { new { role = "user", content = "hi" } } })).EnsureSuccessStatusCode();
            var stream = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "any", stream = true, messages = new[] { new { role = "user", content = "stream please" } } });
            Assert.Contains("[DONE]", await stream.Content.ReadAsStringAsync());

            // One failover (primary fails once, fallback answers), then one request nobody can answer.
            // (Faults without a count: the gateway's retries would use up a counted one.)
            await _primary.SetFaultAsync(new { mode = "error_500" });
            Assert.Equal("fallback", await ChatAsync(http));
            await _fallback.SetFaultAsync(new { mode = "error_500" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.PostAsJsonAsync("/api/chat", new { message = "anyone?" })).StatusCode);
            await _primary.SetFaultAsync(new { mode = "healthy" });
            await _fallback.SetFaultAsync(new { mode = "healthy" });

            var metrics = await GetJsonAsync(http, "/api/metrics");
            AssertTotals(metrics);
        }

        // A new gateway process on the same Redis: the totals were flushed at shutdown and are read back.
        await using (var restarted = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString))
        {
            using var http = restarted.CreateHttpClient();
            var metrics = await GetJsonAsync(http, "/api/metrics");
            AssertTotals(metrics);
            Assert.True(metrics.GetProperty("uptime_seconds").GetDouble() < 60);
            Assert.Equal("primary", metrics.GetProperty("active_provider").GetString());
        }

        static void AssertTotals(JsonElement metrics)
        {
            Assert.Equal(6, metrics.GetProperty("total_requests").GetInt64());
            Assert.Equal(5, metrics.GetProperty("total_successes").GetInt64());
            Assert.Equal(1, metrics.GetProperty("total_failures").GetInt64());
            Assert.Equal(1, metrics.GetProperty("total_failovers").GetInt64());
            Assert.True(metrics.GetProperty("avg_latency_ms").GetDouble() > 0);
            var p50 = metrics.GetProperty("p50_latency_ms").GetDouble();
            var p99 = metrics.GetProperty("p99_latency_ms").GetDouble();
            Assert.InRange(p50, 0.1, 60_000);
            Assert.True(p99 >= p50);
            var providers = metrics.GetProperty("providers");
            Assert.Equal(4, providers.GetProperty("primary").GetProperty("successes").GetInt64());
            Assert.Equal(2, providers.GetProperty("primary").GetProperty("failures").GetInt64());
            Assert.Equal(1, providers.GetProperty("fallback").GetProperty("successes").GetInt64());
            Assert.Equal(1, providers.GetProperty("fallback").GetProperty("failures").GetInt64());
            Assert.True(metrics.GetProperty("redis_available").GetBoolean());
        }
    }

    [Fact]
    public async Task WhileRedisIsDown_ChatWorks_HealthIsDegraded_AndIncidentsAre503()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, _redis.ConnectionString);
        using var http = gateway.CreateHttpClient();
        Assert.Equal("primary", await ChatAsync(http));
        await _redis.StopAsync();

        Assert.Equal("primary", await ChatAsync(http));
        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("degraded", await health.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var incidents = await http.GetAsync("/api/incidents");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, incidents.StatusCode);
        Assert.Equal("application/problem+json", incidents.Content.Headers.ContentType?.MediaType);

        var metrics = await GetJsonAsync(http, "/api/metrics");
        Assert.False(metrics.GetProperty("redis_available").GetBoolean());

        // A request is counted as its response ends, which can be a moment after the client has read it.
        await WaitUntilAsync(async () => (await GetJsonAsync(http, "/api/metrics")).GetProperty("total_requests").GetInt64() == 2);

        await _redis.StartAgainAsync();
        await WaitUntilAsync(async () => !(await http.GetStringAsync("/health")).Contains("degraded", StringComparison.OrdinalIgnoreCase));
        await WaitUntilAsync(async () => (await GetJsonAsync(http, "/api/metrics")).GetProperty("redis_available").GetBoolean());
        Assert.Equal(2, (await GetJsonAsync(http, "/api/metrics")).GetProperty("total_requests").GetInt64());
    }

    [Fact]
    public async Task WithNoRedisConfigured_ChatWorks_MetricsAreLocal_AndTheIncidentLogIs503()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, redisConnectionString: null);
        using var http = gateway.CreateHttpClient();

        Assert.Equal("primary", await ChatAsync(http));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/api/incidents")).StatusCode);
        var metrics = await GetJsonAsync(http, "/api/metrics");
        Assert.Equal(1, metrics.GetProperty("total_requests").GetInt64());
        Assert.False(metrics.GetProperty("redis_available").GetBoolean());
        Assert.Contains("degraded", await http.GetStringAsync("/health"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LiveEventsDroppedWithoutRedis_AreCountedOnTheGatewayMeter()
    {
        await using var gateway = await EventsGatewayServer.StartAsync(_primary, _fallback, redisConnectionString: null,
            new Dictionary<string, string?> { ["Sentinel:Events:LiveEventCapacity"] = "1" });
        var meterFactory = gateway.Services.GetRequiredService<IMeterFactory>();
        gateway.Services.GetRequiredService<GatewayTelemetry>();
        var sink = gateway.Services.GetRequiredService<RedisSentinelEventSink>();
        long dropped = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "sentinel.events.live.dropped" && instrument.Meter.Scope == meterFactory)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => dropped = value);
        listener.Start();

        // Nothing publishes without Redis: past the one waiting, each event pushes out the oldest.
        for (var i = 0; i < 4; i++)
        {
            sink.Publish(EventTypes.Metrics, new { i });
        }

        listener.RecordObservableInstruments();
        Assert.True(dropped >= 3, $"dropped {dropped}");
    }

    private static async Task<string> ChatAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/chat", new { message = "hello" });
        response.EnsureSuccessStatusCode();
        return (await GetJsonAsync(response)).GetProperty("provider_used").GetString()!;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await GetJsonAsync(response);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static async Task PublishIncidentAsync(IConnectionMultiplexer redis, IncidentType type)
    {
        var incident = new Incident("1-0", type, "primary", DateTimeOffset.UtcNow, "from the test", Source: "monitor");
        await PublishAsync(redis, EventTypes.Incident, incident, "1-0");
    }

    private static Task PublishStatusAsync(IConnectionMultiplexer redis, ProviderHealth status, DateTimeOffset checkedAt, string provider = "primary") =>
        PublishAsync(redis, EventTypes.ProviderStatus, new ProviderStatusReport(provider, status, 10, 12, 100, checkedAt), null);

    // As the monitor's sink keeps each provider's latest report.
    private static Task StoreStatusAsync(IConnectionMultiplexer redis, ProviderHealth status, DateTimeOffset checkedAt, string provider) =>
        redis.GetDatabase().HashSetAsync(RedisKeys.ProviderStatus, provider,
            JsonSerializer.Serialize(new ProviderStatusReport(provider, status, 10, 12, 100, checkedAt), SentinelJson.Options));

    private static async Task PublishAsync(IConnectionMultiplexer redis, string eventType, object payload, string? id)
    {
        var message = JsonSerializer.Serialize(
            new SentinelEvent(eventType, JsonSerializer.SerializeToElement(payload, payload.GetType(), SentinelJson.Options), DateTimeOffset.UtcNow, id),
            SentinelJson.Options);

        // The gateway subscribes in the background after start: publish until someone has received it.
        using var deadline = new CancellationTokenSource(Timeout);
        while (await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.Events), message) == 0)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
