using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// The monitor in the running system: it finds an outage with no client traffic at all, the gateway isolates the provider
/// before any request pays for it, and a restore brings traffic back within a probe interval.
/// </summary>
[Collection(SentinelAppCollection.Name)]
public sealed class MonitorEndToEndTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Interval = SentinelAppFixture.ProbeInterval;

    // A probe cycle starts at most one interval after a change and ends within the probe timeout (capped at the
    // interval); the rest is slack for a loaded machine. Incident timestamps are the monitor's, so this bounds the
    // monitor's reaction, not how fast this test sees it.
    private static readonly TimeSpan Reaction = (Interval * 2) + TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public Task InitializeAsync() => fixture.ResetAsync();

    // Leaves no provider isolated by the monitor for the next test class: it waits until both circuits are closed again.
    public async Task DisposeAsync()
    {
        await fixture.ResetAsync();
        using var gateway = fixture.CreateGatewayClient();
        await WaitForCircuitAsync(gateway, "primary", state => state == "closed");
        await WaitForCircuitAsync(gateway, "fallback", state => state == "closed");
    }

    [Fact]
    public async Task OutageWithNoTraffic_IsFoundByTheMonitor_IsolatesPrimary_AndRestoreBringsTrafficBack()
    {
        using var gateway = fixture.CreateGatewayClient();
        await using var events = await fixture.ConnectEventsAsync();
        await events.WaitForEventAsync("system", p => p.GetProperty("message").GetString() == "connected", Wait, "the greeting");

        var outageAt = DateTimeOffset.UtcNow;
        await fixture.ExecuteCommandAsync("primary", "simulate-outage");

        // No chat request: the monitor's probe alone finds it, and the WebSocket client hears of it.
        var down = await events.WaitForEventAsync("incident", IsIncident("provider_down", "primary"), Wait, "provider_down for primary");
        var downIncident = down.GetProperty("payload");
        Assert.InRange(downIncident.GetProperty("timestamp").GetDateTimeOffset() - outageAt, TimeSpan.Zero, Reaction);
        Assert.Equal(down.GetProperty("id").GetString(), downIncident.GetProperty("id").GetString());
        Assert.Contains("503", downIncident.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("monitor", downIncident.GetProperty("source").GetString());
        Assert.Contains(await GetIncidentsAsync(gateway, "provider_down"), i => i.GetProperty("id").GetString() == down.GetProperty("id").GetString());

        // The next request goes straight to the fallback: the primary is isolated, so no chat call reaches it.
        await WaitForCircuitAsync(gateway, "primary", state => state is "isolated" or "open");
        var during = await ChatAsync(gateway);
        Assert.Equal("fallback", during.GetProperty("provider_used").GetString());
        Assert.Equal(0, (await fixture.GetStatsAsync("primary")).ChatRequests);

        var restoredAt = DateTimeOffset.UtcNow;
        await fixture.ExecuteCommandAsync("primary", "restore");
        var recovered = await events.WaitForEventAsync("incident", IsIncident("provider_recovered", "primary"), Wait, "provider_recovered for primary");
        Assert.InRange(recovered.GetProperty("payload").GetProperty("timestamp").GetDateTimeOffset() - restoredAt, TimeSpan.Zero, Reaction);
        Assert.Contains(await GetIncidentsAsync(gateway, "provider_recovered"), i => i.GetProperty("id").GetString() == recovered.GetProperty("id").GetString());

        // The circuit closes on the monitor's word, without waiting out a break, and traffic is back on the primary.
        await WaitForCircuitAsync(gateway, "primary", state => state == "closed");
        var after = await ChatAsync(gateway);
        Assert.Equal("primary", after.GetProperty("provider_used").GetString());
        Assert.Empty(after.GetProperty("failover_chain").EnumerateArray());
    }

    [Fact]
    public async Task EveryCycle_PublishesEachProvidersStatus_AndMetrics()
    {
        await using var events = await fixture.ConnectEventsAsync();

        var primary = await events.WaitForEventAsync("provider_status", p => p.GetProperty("provider").GetString() == "primary", Wait, "primary's status");
        await events.WaitForEventAsync("provider_status", p => p.GetProperty("provider").GetString() == "fallback", Wait, "fallback's status");
        await events.WaitForEventAsync("metrics", _ => true, Wait, "metrics");

        var status = primary.GetProperty("payload");
        Assert.Equal("healthy", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("latency_ms").GetDouble() > 0);
        Assert.True(status.GetProperty("p95_latency_ms").GetDouble() > 0);
        Assert.Equal(100, status.GetProperty("success_rate_pct").GetDouble());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, primary.GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task MonitorHealth_ShowsItIsProbing()
    {
        using var monitor = fixture.App.CreateHttpClient("monitor", "http");

        using var health = JsonDocument.Parse(await monitor.GetStringAsync("/health"));

        var probing = health.RootElement.GetProperty("checks").GetProperty("probing");
        Assert.Equal("healthy", probing.GetProperty("status").GetString());
        var lastCycle = DateTimeOffset.Parse(probing.GetProperty("data").GetProperty("last_cycle_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - lastCycle, TimeSpan.FromSeconds(-1), (Interval * 3) + TimeSpan.FromSeconds(5));
        Assert.True(probing.GetProperty("data").GetProperty("cycles").GetInt64() >= 1);
    }

    [Fact]
    public async Task ProbeEndpoint_ReturnsAndPublishesTheResult_UnknownNameIs404Problem()
    {
        using var gateway = fixture.CreateGatewayClient();
        await using var events = await fixture.ConnectEventsAsync();
        await events.WaitForEventAsync("system", _ => true, Wait, "the greeting");
        await fixture.ExecuteCommandAsync("fallback", "simulate-outage");

        var response = await gateway.PostAsync("/api/providers/fallback/probe", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("fallback", report.GetProperty("provider").GetString());
        Assert.Equal("down", report.GetProperty("status").GetString());
        Assert.Equal("HTTP 503 (Service Unavailable)", report.GetProperty("error").GetString());
        Assert.Equal(0, report.GetProperty("success_rate_pct").GetDouble());
        var checkedAt = report.GetProperty("checked_at").GetString();
        await events.WaitForEventAsync(
            "provider_status",
            p => p.GetProperty("provider").GetString() == "fallback" && p.GetProperty("checked_at").GetString() == checkedAt,
            Wait,
            "the probe's provider_status");

        var all = await gateway.PostAsync("/api/providers/probe", null);
        var reports = JsonDocument.Parse(await all.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("healthy", reports.GetProperty("primary").GetProperty("status").GetString());
        Assert.Equal("down", reports.GetProperty("fallback").GetProperty("status").GetString());

        var unknown = await gateway.PostAsync("/api/providers/nope/probe", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("'nope'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));

        // The seed's own example names the provider by its kind.
        var seedExample = await gateway.PostAsync("/api/providers/openai/probe", null);
        Assert.Equal(HttpStatusCode.OK, seedExample.StatusCode);
        Assert.Equal("primary", JsonDocument.Parse(await seedExample.Content.ReadAsStringAsync()).RootElement.GetProperty("provider").GetString());

        await fixture.ExecuteCommandAsync("gateway", "probe-all-providers");
    }

    [Fact]
    public async Task Reconnecting_WithTheLastEventId_ReceivesExactlyTheMissedIncidents_InOrder()
    {
        await using var observer = await fixture.ConnectEventsAsync();
        await observer.WaitForEventAsync("system", _ => true, Wait, "the greeting");
        var client = await fixture.ConnectEventsAsync();
        await fixture.ExecuteCommandAsync("fallback", "simulate-outage");
        var last = await client.WaitForEventAsync("incident", IsIncident("provider_down", "fallback"), Wait, "provider_down for fallback");
        await observer.WaitForEventAsync("incident", p => p.GetProperty("id").GetString() == last.GetProperty("id").GetString(), Wait, "the same incident");
        await client.DisposeAsync();

        // Three incidents while the client is away: recovered, down, recovered.
        await fixture.ExecuteCommandAsync("fallback", "restore");
        await observer.WaitForEventAsync("incident", IsIncident("provider_recovered", "fallback"), Wait, "recovered");
        await fixture.ExecuteCommandAsync("fallback", "simulate-outage");
        await observer.WaitForEventAsync("incident", IsIncident("provider_down", "fallback"), Wait, "down again");
        await fixture.ExecuteCommandAsync("fallback", "restore");
        var third = await observer.WaitForEventAsync("incident", IsIncident("provider_recovered", "fallback"), Wait, "recovered again");
        var missed = IncidentsAfter(observer.Seen, last.GetProperty("id").GetString()!);

        await using var resumed = await fixture.ConnectEventsAsync(last.GetProperty("id").GetString());
        await resumed.WaitForAsync(m => m.GetProperty("id").GetString() == third.GetProperty("id").GetString(), Wait, "the third missed incident");
        var received = resumed.Seen.Where(m => m.GetProperty("event_type").GetString() == "incident").ToList();

        // Exactly what was missed, in order: the monitor's three (and whatever the gateway recorded between them).
        Assert.Equal(missed.Select(Describe), received.Select(Describe));
        Assert.Equal(
            ["provider_recovered", "provider_down", "provider_recovered"],
            received.Where(m => m.GetProperty("payload").GetProperty("source").GetString() == "monitor").Select(m => m.GetProperty("payload").GetProperty("type").GetString()));
        Assert.DoesNotContain(received, m => m.GetProperty("id").GetString() == last.GetProperty("id").GetString());

        // Then live ones, without a duplicate at the seam.
        await fixture.ExecuteCommandAsync("fallback", "simulate-outage");
        var live = await resumed.WaitForEventAsync("incident", IsIncident("provider_down", "fallback"), Wait, "a live incident");
        resumed.Drain();
        var all = resumed.Seen.Where(m => m.GetProperty("event_type").GetString() == "incident").Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal(live.GetProperty("id").GetString(), all.Last(id => id == live.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Heartbeat_ArrivesOnSchedule()
    {
        await using var events = await fixture.ConnectEventsAsync();

        var first = await events.WaitForEventAsync("heartbeat", _ => true, Wait, "a heartbeat");
        var second = await events.WaitForEventAsync("heartbeat", _ => true, Wait, "a second heartbeat");

        var gap = second.GetProperty("timestamp").GetDateTimeOffset() - first.GetProperty("timestamp").GetDateTimeOffset();
        Assert.InRange(gap, SentinelAppFixture.HeartbeatInterval / 2, SentinelAppFixture.HeartbeatInterval * 3);
        Assert.Equal(SentinelAppFixture.HeartbeatInterval.TotalSeconds, second.GetProperty("payload").GetProperty("interval_seconds").GetDouble());
        Assert.True(second.GetProperty("payload").GetProperty("connections").GetInt32() >= 1);
    }

    [Fact]
    public async Task BadLastEventId_Is400Problem_NamingIt()
    {
        using var gateway = fixture.CreateGatewayClient();

        // A plain GET (no upgrade) is refused first; a WebSocket with a bad id is refused before the upgrade.
        var plain = await gateway.GetAsync("/ws/system-events");
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
        var ex = await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() => fixture.ConnectEventsAsync("yesterday"));
        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
    }

    private static Func<JsonElement, bool> IsIncident(string type, string provider) =>
        p => p.GetProperty("type").GetString() == type && p.GetProperty("provider").GetString() == provider;

    private static List<JsonElement> IncidentsAfter(List<JsonElement> seen, string id) =>
        seen.Where(m => m.GetProperty("event_type").GetString() == "incident")
            .SkipWhile(m => m.GetProperty("id").GetString() != id)
            .Skip(1)
            .ToList();

    private static string Describe(JsonElement incident) =>
        $"{incident.GetProperty("id").GetString()} {incident.GetProperty("payload").GetProperty("type").GetString()} {incident.GetProperty("payload").GetProperty("provider").GetString()}";

    private static async Task<JsonElement> ChatAsync(HttpClient gateway)
    {
        var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "is anyone down?" });
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task<List<JsonElement>> GetIncidentsAsync(HttpClient gateway, string type)
    {
        var body = JsonDocument.Parse(await gateway.GetStringAsync($"/api/incidents?limit=50&type={type}")).RootElement;
        var list = body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("incidents");
        return list.EnumerateArray().ToList();
    }

    private static async Task WaitForCircuitAsync(HttpClient gateway, string provider, Func<string?, bool> state)
    {
        using var deadline = new CancellationTokenSource(Wait);
        string? seen = null;
        while (!deadline.IsCancellationRequested)
        {
            var status = JsonDocument.Parse(await gateway.GetStringAsync("/api/providers/status", deadline.Token)).RootElement;
            seen = status.GetProperty(provider).GetProperty("circuit_breaker").GetProperty("state").GetString()?.ToLowerInvariant();
            if (state(seen))
            {
                return;
            }

            await Task.Delay(100, deadline.Token);
        }

        Assert.Fail($"{provider}'s circuit stayed {seen}");
    }
}
