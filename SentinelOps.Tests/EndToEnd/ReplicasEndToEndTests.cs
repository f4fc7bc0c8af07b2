using System.Net.Http.Json;
using System.Text.Json;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// The issue's two-replica outage through the AppHost: two gateway replicas (each addressed directly, behind Aspire's
/// proxy), one Redis, a primary answering 500. The replica that opens the circuit tells the other, which then leaves
/// the primary alone; each break has one half-open trial between them.
/// </summary>
[Collection(SentinelAppCollection.Name)]
public sealed class ReplicasEndToEndTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => fixture.ResetAsync();

    [Fact]
    public async Task AfterOneReplicaOpensTheCircuit_TheOtherSendsThePrimaryAtMostOneMoreRequest_AndEachBreakHasOneTrial()
    {
        var replicas = await SentinelAppFixture.GetGatewayReplicasAsync(fixture.App);
        Assert.Equal(SentinelAppFixture.GatewayReplicas, replicas.Count);
        using var a = new HttpClient { BaseAddress = replicas[0] };
        using var b = new HttpClient { BaseAddress = replicas[1] };
        var (idA, idB) = (await ReplicaIdAsync(a), await ReplicaIdAsync(b));
        Assert.NotEqual(idA, idB);

        // Chat fails, the models listing answers: the monitor's probe finds nothing, so only the gateways decide.
        await fixture.SetFaultAsync("primary", new { mode = "error_500", chat_only = true });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Replica A meets the outage and opens the primary's circuit by its own count.
        for (var i = 0; i < 10 && (await PrimaryCircuitAsync(a, deadline.Token)).GetProperty("state").GetString() != "open"; i++)
        {
            Assert.Equal("fallback", await ChatAsync(a, deadline.Token));
        }

        var atOpen = (await fixture.GetStatsAsync("primary")).ChatRequests;
        var openedAt = DateTimeOffset.UtcNow;
        var onA = await PrimaryCircuitAsync(a, deadline.Token);
        Assert.Equal(("open", idA, false), (onA.GetProperty("state").GetString(), onA.GetProperty("decided_by").GetString(), onA.GetProperty("decided_remotely").GetBoolean()));

        // Replica B skips the primary within a second, as A's decision.
        JsonElement onB;
        while ((onB = await PrimaryCircuitAsync(b, deadline.Token)).GetProperty("state").GetString() != "open" && DateTimeOffset.UtcNow - openedAt < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, deadline.Token);
        }

        var heardAfter = DateTimeOffset.UtcNow - openedAt;
        Assert.True(heardAfter < TimeSpan.FromSeconds(1), $"replica B saw the open after {heardAfter.TotalMilliseconds:0} ms");
        Assert.Equal(("open", idA, true, idB), (onB.GetProperty("state").GetString(), onB.GetProperty("decided_by").GetString(), onB.GetProperty("decided_remotely").GetBoolean(), onB.GetProperty("replica").GetString()));

        // B's next 20 requests: at most one more reaches the primary (the issue's bound; here none should).
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("fallback", await ChatAsync(b, deadline.Token));
        }

        var afterB = (await fixture.GetStatsAsync("primary")).ChatRequests;
        Assert.InRange(afterB - atOpen, 0, 1);

        // Both replicas keep getting traffic until three breaks (2 s, then 4 s, 4 s) have ended: one trial per break, sent by
        // whichever replica took the break's lease, each a single call to the primary (it fails, and reopens both).
        var trafficEnds = openedAt + SentinelAppFixture.BreakDuration + (SentinelAppFixture.MaxBreakDuration * 2) + TimeSpan.FromSeconds(1);
        for (var i = 0; DateTimeOffset.UtcNow < trafficEnds; i++)
        {
            Assert.Equal("fallback", await ChatAsync(i % 2 == 0 ? a : b, deadline.Token));
            await Task.Delay(50, deadline.Token);
        }

        // Counted from the open: the first break (2 s) may end while B's 20 requests are still under way.
        var trials = (await fixture.GetStatsAsync("primary")).ChatRequests - atOpen;

        // Every failed trial reopened the circuit on the replica that sent it, which alone records circuit_opened.
        await Task.Delay(SentinelAppFixture.MetricsFlushInterval * 2, deadline.Token);
        var reopened = (await ReopeningsAsync(a, openedAt, deadline.Token)).ToList();
        var times = $"opened {openedAt:HH:mm:ss.fff}, trials failed at {string.Join(", ", reopened.Select(t => t.ToString("HH:mm:ss.fff")))}";
        Assert.True(reopened.Count is >= 2 and <= 3, times);
        Assert.True(reopened.Count == trials, $"{trials} calls to the primary; {times}");
        for (var i = 1; i < reopened.Count; i++)
        {
            // Two replicas trying the same break would reopen it twice within milliseconds.
            Assert.True(reopened[i] - reopened[i - 1] >= SentinelAppFixture.BreakDuration, times);
        }
    }

    private static async Task<string?> ChatAsync(HttpClient gateway, CancellationToken cancellationToken)
    {
        var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "replicas" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("provider_used").GetString();
    }

    private static async Task<JsonElement> PrimaryCircuitAsync(HttpClient gateway, CancellationToken cancellationToken) =>
        (await gateway.GetFromJsonAsync<JsonElement>("/api/providers/status", cancellationToken)).GetProperty("primary").GetProperty("circuit_breaker");

    private static async Task<string> ReplicaIdAsync(HttpClient gateway) =>
        (await PrimaryCircuitAsync(gateway, CancellationToken.None)).GetProperty("replica").GetString()!;

    // When a trial of the primary failed since `since`, by the circuit_opened incidents the gateways recorded.
    private static async Task<IEnumerable<DateTimeOffset>> ReopeningsAsync(HttpClient gateway, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var body = await gateway.GetFromJsonAsync<JsonElement>("/api/incidents?limit=100&type=circuit_opened", cancellationToken);
        return body.GetProperty("incidents").EnumerateArray()
            .Where(i => i.GetProperty("provider").GetString() == "primary"
                && i.GetProperty("detail").GetString()!.Contains("trial call failed", StringComparison.Ordinal)
                && i.GetProperty("timestamp").GetDateTimeOffset() > since)
            .Select(i => i.GetProperty("timestamp").GetDateTimeOffset())
            .Order();
    }
}
