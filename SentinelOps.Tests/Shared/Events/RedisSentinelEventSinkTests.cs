using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using SentinelOps.Tests.TestDoubles;
using StackExchange.Redis;

namespace SentinelOps.Tests.Shared.Events;

/// <summary>The sink against a real redis-server: stream layout, live events, write-once stores, outage and recovery.</summary>
public sealed class RedisSentinelEventSinkTests
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StoresEachIncidentInTheStream_AndPublishesItWithItsStreamId()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var observer = await redis.ConnectAsync();
        var published = new ConcurrentQueue<string>();
        await observer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.Events), (_, message) => published.Enqueue(message!));
        await using var host = await EventsHost.StartAsync(redis.ConnectionString);

        var incident = new Incident(string.Empty, IncidentType.FailoverTriggered, "fallback", DateTimeOffset.UtcNow, "primary failed; fallback answered",
            "0af7651916cd43dd8448eb211c80319c", ["primary"], "gateway");
        host.Sink.RecordIncident(incident);
        await host.WaitUntilFlushedAsync(FlushTimeout);

        var entries = await observer.GetDatabase().StreamRangeAsync(RedisKeys.Incidents);
        var entry = Assert.Single(entries);
        var stored = IncidentStreamEntry.FromEntry(entry)!;
        Assert.Equal(incident with { Id = entry.Id! }, stored with { FailoverChain = incident.FailoverChain, Timestamp = incident.Timestamp });
        Assert.Equal(["primary"], stored.FailoverChain);
        Assert.Equal(incident.Timestamp.ToUnixTimeMilliseconds(), stored.Timestamp.ToUnixTimeMilliseconds());

        var message = await WaitForAsync(published, m => m.Contains("\"incident\""));
        using var json = JsonDocument.Parse(message);
        Assert.Equal("incident", json.RootElement.GetProperty("event_type").GetString());
        Assert.Equal(entry.Id.ToString(), json.RootElement.GetProperty("id").GetString());
        var payload = json.RootElement.GetProperty("payload");
        Assert.Equal(entry.Id.ToString(), payload.GetProperty("id").GetString());
        Assert.Equal("failover_triggered", payload.GetProperty("type").GetString());
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", payload.GetProperty("trace_id").GetString());
        Assert.Equal("primary", payload.GetProperty("failover_chain")[0].GetString());
    }

    [Fact]
    public async Task AnIncidentRecordedTwice_IsStoredOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await EventsHost.StartAsync(redis.ConnectionString);

        // The same client id twice is what a retry after a lost XADD reply looks like to Redis.
        var incident = new Incident(Guid.NewGuid().ToString("N"), IncidentType.ProviderDown, "primary", DateTimeOffset.UtcNow, "probe failed");
        host.Sink.RecordIncident(incident);
        await host.WaitUntilFlushedAsync(FlushTimeout);
        host.Sink.RecordIncident(incident);
        await host.WaitUntilFlushedAsync(FlushTimeout);

        await using var observer = await redis.ConnectAsync();
        Assert.Single(await observer.GetDatabase().StreamRangeAsync(RedisKeys.Incidents));
        Assert.Equal(2, host.Sink.StoredIncidents);
    }

    [Fact]
    public async Task TrimsTheStream_ToAboutMaxLength()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await EventsHost.StartAsync(redis.ConnectionString, new Dictionary<string, string?> { ["Sentinel:Events:StreamMaxLength"] = "10" });

        for (var i = 0; i < 400; i++)
        {
            host.Sink.RecordIncident(new Incident(string.Empty, IncidentType.CircuitOpened, "primary", DateTimeOffset.UtcNow, $"#{i}"));
        }

        await host.WaitUntilFlushedAsync(FlushTimeout);
        await using var observer = await redis.ConnectAsync();
        var length = await observer.GetDatabase().StreamLengthAsync(RedisKeys.Incidents);

        // MAXLEN ~ trims whole macro nodes (100 entries by default): never unbounded, never below the limit.
        Assert.InRange(length, 10, 110);
    }

    [Fact]
    public async Task ProviderStatusEvents_KeepTheLatestReportPerProviderInTheHash()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await EventsHost.StartAsync(redis.ConnectionString);

        host.Sink.Publish(EventTypes.ProviderStatus, new ProviderStatusReport("primary", ProviderHealth.Degraded, 900, 1200, 80, DateTimeOffset.UtcNow));
        host.Sink.Publish(EventTypes.ProviderStatus, new ProviderStatusReport("primary", ProviderHealth.Down, null, null, 0, DateTimeOffset.UtcNow, "connection refused"));

        await using var observer = await redis.ConnectAsync();
        using var deadline = new CancellationTokenSource(FlushTimeout);
        RedisValue stored;
        while ((stored = await observer.GetDatabase().HashGetAsync(RedisKeys.ProviderStatus, "primary")).IsNull
            || !stored.ToString().Contains("\"down\""))
        {
            await Task.Delay(50, deadline.Token);
        }

        var report = JsonSerializer.Deserialize<ProviderStatusReport>(stored.ToString(), SentinelJson.Options)!;
        Assert.Equal(ProviderHealth.Down, report.Status);
        Assert.Equal("connection refused", report.Error);
    }

    [Fact]
    public async Task RedisStoppedWhileIncidentsAreRecorded_NoneLostNoneDuplicated()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await EventsHost.StartAsync(redis.ConnectionString);
        var recorded = new List<string>();
        void Record(int i)
        {
            var id = Guid.NewGuid().ToString("N");
            recorded.Add(id);
            host.Sink.RecordIncident(new Incident(id, IncidentType.FailoverTriggered, "fallback", DateTimeOffset.UtcNow, $"#{i}", null, ["primary"], "test"));
        }

        for (var i = 0; i < 25; i++)
        {
            Record(i);
        }

        await host.WaitUntilFlushedAsync(FlushTimeout);
        await redis.StopAsync();
        for (var i = 25; i < 60; i++)
        {
            Record(i);
        }

        // The callers were never blocked; the incidents wait, and health says Redis is degraded, not the service dead.
        Assert.True(host.Sink.PendingIncidents > 0);
        var health = await host.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(HealthStatus.Degraded, health.Entries[SentinelEventsExtensions.HealthCheckName].Status);

        await redis.StartAgainAsync();
        for (var i = 60; i < 70; i++)
        {
            Record(i);
        }

        await host.WaitUntilFlushedAsync(FlushTimeout);
        await using var observer = await redis.ConnectAsync();
        var uids = (await observer.GetDatabase().StreamRangeAsync(RedisKeys.Incidents))
            .Select(e => e.Values.Single(v => v.Name == "uid").Value.ToString())
            .ToList();
        Assert.Equal(recorded, uids);
        Assert.Equal(0, host.Sink.DroppedIncidents);
        Assert.Equal(HealthStatus.Healthy, (await host.CheckHealthAsync()).Entries[SentinelEventsExtensions.HealthCheckName].Status);
    }

    [Fact]
    public async Task AFullOutbox_DropsTheOldestAndCountsIt()
    {
        await using var host = await EventsHost.StartAsync(connectionString: null, new Dictionary<string, string?> { ["Sentinel:Events:OutboxCapacity"] = "3" });

        for (var i = 0; i < 5; i++)
        {
            host.Sink.RecordIncident(new Incident(string.Empty, IncidentType.CircuitOpened, "primary", DateTimeOffset.UtcNow, $"#{i}"));
        }

        Assert.Equal(3, host.Sink.PendingIncidents);
        Assert.Equal(2, host.Sink.DroppedIncidents);
        Assert.Equal(HealthStatus.Degraded, (await host.CheckHealthAsync()).Status);
    }

    private static async Task<string> WaitForAsync(ConcurrentQueue<string> messages, Func<string, bool> match)
    {
        using var deadline = new CancellationTokenSource(FlushTimeout);
        while (true)
        {
            if (messages.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}
