using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// A hanging primary, with the gateway's default settings and clients that give up after 5 s: the gateway must heal
/// by itself (the issue's scenario, in which every request used to hang until the client gave up).
/// </summary>
[Collection(DefaultSettingsAppCollection.Name)]
public sealed class HangingProviderEndToEndTests(DefaultSettingsAppFixture fixture)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task PrimaryHanging_SequentialThenConcurrentClients_AreServedByTheFallback_AndThePrimaryIsReportedDown()
    {
        // Some traffic first, with patience (the first call also warms the gateway up): the gateway learns the
        // primary's time to first token.
        using (var patient = fixture.CreateGatewayClient(TimeSpan.FromSeconds(60)))
        {
            for (var i = 0; i < 5; i++)
            {
                var warmUp = await ChatAsync(patient, "before the hang");
                Assert.True(warmUp.Provider == "primary", $"{warmUp.Error} after {warmUp.Duration.TotalSeconds:0.0} s");
            }
        }

        using var gateway = fixture.CreateGatewayClient(ClientTimeout);

        await fixture.SetFaultAsync("primary", new { mode = "hang" });

        // 40 sequential requests from a client that gives up after 5 s.
        var sequential = new List<Outcome>();
        long primaryCallsBefore11 = 0;
        for (var i = 0; i < 40; i++)
        {
            if (i == 10)
            {
                primaryCallsBefore11 = (await fixture.GetStatsAsync("primary")).ChatRequests;
            }

            sequential.Add(await ChatAsync(gateway, $"sequential {i}"));
        }

        var failed = sequential.Count(o => o.Provider is null);
        Assert.True(failed <= 3, $"{failed} of 40 failed: {Describe(sequential)}");

        // Requests 11–40 answer from the fallback in under 1 s, as the gateway measured them (its latency_ms: on a
        // loaded machine the client's own clock adds scheduling delays that are not the gateway's), and none of them
        // waited on the primary: not one reached it.
        Assert.All(sequential.Skip(10), o =>
        {
            Assert.Equal("fallback", o.Provider);
            Assert.True(o.GatewayLatency < TimeSpan.FromSeconds(1), $"{o.GatewayLatency.TotalSeconds:0.00} s: {Describe(sequential)}");
        });
        Assert.Equal(primaryCallsBefore11, (await fixture.GetStatsAsync("primary")).ChatRequests);

        // The gateway's own view: the primary is down, its circuit refusing calls: open by its own count, or isolated
        // when the monitor's probe found the hang first (the probe runs on its own clock, so either can come first).
        using var status = JsonDocument.Parse(await gateway.GetStringAsync("/api/providers/status"));
        var primary = status.RootElement.GetProperty("primary");
        Assert.Equal("down", primary.GetProperty("status").GetString());
        Assert.Contains(primary.GetProperty("circuit_breaker").GetProperty("state").GetString(), new[] { "open", "isolated" });
        Assert.True(primary.GetProperty("success_rate_pct").GetDouble() < 100);

        // Then 8 concurrent clients for 30 s: nothing fails after the first 10 s (a trial at the end of the break
        // included: it is cut off at the slow-call threshold and answered by the fallback).
        var started = Stopwatch.GetTimestamp();
        var window = TimeSpan.FromSeconds(30);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            using var client = fixture.CreateGatewayClient(ClientTimeout);
            var outcomes = new List<(TimeSpan EndedAt, Outcome Outcome)>();
            while (Stopwatch.GetElapsedTime(started) < window)
            {
                var outcome = await ChatAsync(client, $"worker {worker}");
                outcomes.Add((Stopwatch.GetElapsedTime(started), outcome));
            }

            return outcomes;
        }));

        var all = concurrent.SelectMany(o => o).ToList();
        Assert.True(all.Count >= 8, $"{all.Count} requests");
        var lateFailures = all.Where(o => o.EndedAt > TimeSpan.FromSeconds(10) && o.Outcome.Provider is null).ToList();
        Assert.True(lateFailures.Count == 0, $"{lateFailures.Count} of {all.Count} failed after 10 s: {string.Join(", ", lateFailures.Take(5).Select(f => $"{f.EndedAt.TotalSeconds:0.0} s {f.Outcome.Error}"))}");
    }

    private static async Task<Outcome> ChatAsync(HttpClient gateway, string message)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await gateway.PostAsJsonAsync("/api/chat", new { message });
            var body = await response.Content.ReadAsStringAsync();
            var duration = Stopwatch.GetElapsedTime(started);
            if (!response.IsSuccessStatusCode)
            {
                return new Outcome(null, duration, duration, $"HTTP {(int)response.StatusCode} {body}");
            }

            var answer = JsonDocument.Parse(body).RootElement;
            return new Outcome(
                answer.GetProperty("provider_used").GetString(), duration, TimeSpan.FromMilliseconds(answer.GetProperty("latency_ms").GetDouble()), null);
        }
        catch (TaskCanceledException)
        {
            var duration = Stopwatch.GetElapsedTime(started);
            return new Outcome(null, duration, duration, "client gave up");
        }
    }

    private static string Describe(List<Outcome> outcomes) =>
        string.Join(", ", outcomes.Select((o, i) => $"#{i + 1} {o.Provider ?? o.Error} {o.Duration.TotalSeconds:0.00} s (gateway {o.GatewayLatency.TotalSeconds:0.00} s)"));

    private sealed record Outcome(string? Provider, TimeSpan Duration, TimeSpan GatewayLatency, string? Error);
}
