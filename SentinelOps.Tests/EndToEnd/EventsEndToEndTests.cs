using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
using StackExchange.Redis;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>Incidents and metrics through the running system: Redis stopped and started under load, the gateway restarted.</summary>
[Collection(SentinelAppCollection.Name)]
public sealed partial class EventsEndToEndTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    private const string RedisServer = "redis-server";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    public Task InitializeAsync() => fixture.ResetAsync();

    public async Task DisposeAsync()
    {
        await fixture.ExecuteCommandAsync("primary", "restore");
    }

    [Fact]
    public async Task RedisStoppedWhileIncidentsAreProduced_EveryIncidentTheGatewayReported_IsStoredOnce()
    {
        using var deadline = new CancellationTokenSource(Timeout * 2);
        var reported = new IncidentLogWatcher(fixture.App, "gateway");
        await reported.SkipBacklogAsync(deadline.Token);
        using var gateway = fixture.CreateGatewayClient();

        // Failovers and circuit changes with Redis up...
        await fixture.ExecuteCommandAsync("primary", "simulate-outage");
        await ChatForAsync(gateway, TimeSpan.FromSeconds(2), deadline.Token);

        // ...and with Redis down: chat goes on, health is degraded, incidents wait.
        await fixture.ExecuteCommandAsync(RedisServer, KnownResourceCommands.StopCommand);
        await fixture.App.ResourceNotifications.WaitForResourceAsync(RedisServer, KnownResourceStates.TerminalStates, deadline.Token);
        await ChatForAsync(gateway, SentinelAppFixture.MaxBreakDuration + TimeSpan.FromSeconds(1), deadline.Token);
        await fixture.ExecuteCommandAsync("primary", "restore");
        await ChatForAsync(gateway, SentinelAppFixture.MaxBreakDuration + TimeSpan.FromSeconds(1), deadline.Token);
        var health = await gateway.GetAsync("/health", deadline.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("degraded", await health.Content.ReadAsStringAsync(deadline.Token), StringComparison.OrdinalIgnoreCase);
        var duringOutage = reported.Uids.Count;

        await fixture.ExecuteCommandAsync(RedisServer, KnownResourceCommands.StartCommand);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(RedisServer, deadline.Token);

        // Every reported incident reaches the stream, exactly once. The stream is the seed's ring buffer (MAXLEN ~ 500)
        // and this collection's AppHost has been producing incidents all along, so an early one may since have been
        // trimmed: its write-once marker (uid -> stream id) proves it was stored; one still in the stream is there once.
        using var redis = await fixture.ConnectRedisAsync();
        var db = redis.GetDatabase();

        // The gateway keeps reporting (circuits close as the monitor sees the primary again): check the incidents
        // reported up to one moment, read after that moment.
        string[] expected;
        using var storedDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            expected = [.. reported.Uids];
            var markers = await Task.WhenAll(expected.Select(uid => db.StringGetAsync(RedisKeys.IncidentUidPrefix + uid)));
            if (markers.All(marker => marker.HasValue))
            {
                break;
            }

            if (storedDeadline.IsCancellationRequested)
            {
                var missing = expected.Where((_, i) => !markers[i].HasValue).Select(reported.LineOf);
                Assert.Fail($"Reported but never stored ({duringOutage} reported during the outage):\n{string.Join('\n', missing)}\n"
                    + $"gateway /health: {await gateway.GetStringAsync("/health", deadline.Token)}");
            }

            await Task.Delay(200, deadline.Token);
        }

        var stored = await StoredUidsAsync(redis);
        Assert.True(duringOutage >= 3, $"the test should have produced incidents, got {duringOutage}");
        Assert.All(expected.Where(stored.ContainsKey), uid => Assert.Equal(1, stored[uid]));
        Assert.All(stored, entry => Assert.Equal(1, entry.Value));
    }

    [Fact]
    public async Task Metrics_CountTheRequestsSent_AcrossAGatewayRestart()
    {
        using var deadline = new CancellationTokenSource(Timeout * 2);
        using var redis = await fixture.ConnectRedisAsync();

        // A replica reports the Redis totals plus its own counts not flushed yet, not another replica's: once every
        // replica has flushed (a few flush intervals without traffic), any replica's report is the whole count.
        await Task.Delay(SentinelAppFixture.MetricsFlushInterval * 3, deadline.Token);
        var before = await MetricsAsync(deadline.Token);

        using (var gateway = fixture.CreateGatewayClient())
        {
            for (var i = 0; i < 5; i++)
            {
                (await gateway.PostAsJsonAsync("/api/chat", new { message = $"count me {i}" }, deadline.Token)).EnsureSuccessStatusCode();
            }

            (await gateway.PostAsJsonAsync("/v1/chat/completions", new { model = "any", messages = new[] { new { role = "user", content = "json" } } }, deadline.Token))
                .EnsureSuccessStatusCode();
            var stream = await gateway.PostAsJsonAsync(
                "/v1/chat/completions", new { model = "any", stream = true, messages = new[] { new { role = "user", content = "stream" } } }, deadline.Token);
            Assert.Contains("[DONE]", await stream.Content.ReadAsStringAsync(deadline.Token));
        }

        await Task.Delay(SentinelAppFixture.MetricsFlushInterval * 3, deadline.Token);
        var after = await MetricsAsync(deadline.Token);
        Assert.Equal(before.TotalRequests + 7, after.TotalRequests);
        Assert.Equal(before.TotalSuccesses + 7, after.TotalSuccesses);
        Assert.Equal(before.Providers["primary"].Successes + 7, after.Providers["primary"].Successes);

        // Once flushed, the counts live in Redis; a new gateway process reads them back.
        while ((long)await redis.GetDatabase().HashGetAsync(RedisKeys.Metrics, RequestMetricsFields.TotalRequests) < after.TotalRequests)
        {
            await Task.Delay(100, deadline.Token);
        }

        // Stop, then start. (Under the test host the stop command may report failure after a 10 s wait for
        // `dotnet run` to report its exit even though the process is gone; the start below is what matters.)
        await fixture.App.ResourceCommands.ExecuteCommandAsync(fixture.Resource("gateway"), KnownResourceCommands.StopCommand, deadline.Token);
        await fixture.ExecuteCommandAsync("gateway", KnownResourceCommands.StartCommand);
        MetricsReport restarted;
        while (true)
        {
            try
            {
                restarted = await MetricsAsync(deadline.Token);
                if (restarted.UptimeSeconds < after.UptimeSeconds)
                {
                    Assert.True(restarted.RedisAvailable, "a restarted gateway's first report waits for its Redis connection");
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // The gateway is between processes.
            }

            await Task.Delay(200, deadline.Token);
        }

        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", deadline.Token);
        Assert.Equal(after.TotalRequests, restarted.TotalRequests);
        Assert.Equal(after.TotalSuccesses, restarted.TotalSuccesses);
        Assert.Equal(after.Providers["primary"].Successes, restarted.Providers["primary"].Successes);
        Assert.NotNull(restarted.P95LatencyMs);
    }

    private async Task<MetricsReport> MetricsAsync(CancellationToken cancellationToken)
    {
        using var gateway = fixture.CreateGatewayClient();
        return (await gateway.GetFromJsonAsync<MetricsReport>("/api/metrics", cancellationToken))!;
    }

    private static async Task ChatForAsync(HttpClient gateway, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + duration;
        while (DateTimeOffset.UtcNow < until)
        {
            var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "still there?" }, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<Dictionary<string, int>> StoredUidsAsync(IConnectionMultiplexer redis)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(RedisKeys.Incidents);
        return entries
            .Select(e => e.Values.FirstOrDefault(v => v.Name == "uid").Value.ToString())
            .Where(uid => uid.Length > 0)
            .GroupBy(uid => uid)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Collects the uids of incidents a service logs as recorded ("Incident … recorded for …: … (uid …)").</summary>
    private sealed partial class IncidentLogWatcher
    {
        private readonly HashSet<string> _backlog = [];
        private readonly Dictionary<string, string> _uids = [];
        private readonly Lock _gate = new();
        private volatile bool _skipping = true;

        public IncidentLogWatcher(DistributedApplication app, string resource)
        {
            var logs = app.Services.GetRequiredService<ResourceLoggerService>();
            var model = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
            _ = Task.Run(async () =>
            {
                await foreach (var batch in logs.WatchAsync(model))
                {
                    foreach (var line in batch)
                    {
                        if (RecordedLine().Match(line.Content) is { Success: true } match)
                        {
                            lock (_gate)
                            {
                                if (_skipping)
                                {
                                    _backlog.Add(match.Groups["uid"].Value);
                                }
                                else
                                {
                                    _uids.TryAdd(match.Groups["uid"].Value, $"#{line.LineNumber} {line.Content}");
                                }
                            }
                        }
                    }
                }
            });
        }

        public IReadOnlyCollection<string> Uids
        {
            get
            {
                lock (_gate)
                {
                    return [.. _uids.Keys.Except(_backlog)];
                }
            }
        }

        /// <summary>The log line that reported <paramref name="uid"/>, for a failure message.</summary>
        public string LineOf(string uid)
        {
            lock (_gate)
            {
                return _uids.GetValueOrDefault(uid, uid);
            }
        }

        /// <summary>Lets the backlog of earlier tests' lines arrive, and ignores it.</summary>
        public async Task SkipBacklogAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            _skipping = false;
        }

        [GeneratedRegex(@"Incident \w+ recorded for .*\(uid (?<uid>[0-9a-f]{32})\)")]
        private static partial Regex RecordedLine();
    }
}
