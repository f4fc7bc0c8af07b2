using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Tests.TestDoubles;
using Xunit.Abstractions;

namespace SentinelOps.Tests.Gateway.Routing.Drift;

/// <summary>
/// Drift draining end to end: real simulators, a real gateway on Kestrel, a real redis-server for the incidents. The
/// primary's latency rises step by step with no errors; its share falls before any circuit opens, a
/// <c>provider_degraded</c> incident is recorded (and sent live on <c>/ws/system-events</c>) and the gateway's p99 stays within 1.5x the fallback's; restored, it
/// climbs back 1% → 10% → 50% → 100%. Short intervals are configured so the whole run takes about 20 s.
/// </summary>
public sealed class DriftDrainingIntegrationTests(ITestOutputHelper output) : TwoSimulatorsTest
{
    private const int Workers = 6;
    private const int MaxRequests = 8_000;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task ARisingLatency_IsDrainedBeforeAnyCircuitOpens_AndGivenBackInSteps()
    {
        await using var redis = await RedisServer.StartAsync();
        await Fallback.SetFaultAsync(new { mode = "latency", latency_ms = 200 });
        await Primary.SetFaultAsync(new { mode = "latency", latency_ms = 20 });
        await using var gateway = await EventsGatewayServer.StartAsync(Primary, Fallback, redis.ConnectionString, new Dictionary<string, string?>
        {
            ["Gateway:Drift:StepInterval"] = "00:00:00.250",
            ["Gateway:Drift:FastWindow"] = "00:00:00.500",
            ["Gateway:Drift:BaselineWindow"] = "00:00:20",

            // Re-baselining would otherwise follow the baseline window; this test measures draining, not settling.
            ["Gateway:Drift:RebaselineAfter"] = "00:05:00",
            ["Gateway:Drift:LatencyFloor"] = "00:00:00.010",
            ["Gateway:Routing:ShareWindow"] = "00:00:01",
        });
        using var http = gateway.CreateHttpClient();
        await using var events = await EventStreamClient.ConnectAsync(gateway.BaseAddress);
        var breaker = gateway.Chain.Providers[0].Breaker;

        var results = new ConcurrentQueue<Result>();
        var phase = "warm-up";
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var load = Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && results.Count < MaxRequests)
            {
                var started = Stopwatch.GetTimestamp();
                var current = Volatile.Read(ref phase);
                using var response = await http.PostAsJsonAsync("/api/chat", new { message = "hello" }, CancellationToken.None);
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                results.Enqueue(new Result(current, body.RootElement.GetProperty("provider_used").GetString()!, Stopwatch.GetElapsedTime(started)));
            }
        })));

        // Weights and circuit state as the status endpoint shows them, sampled far more often than the step interval.
        var weights = new ConcurrentQueue<(string Phase, double Weight, double? Share, string Circuit, string Status)>();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var status = JsonDocument.Parse(await http.GetStringAsync("/api/providers/status", CancellationToken.None));
                var primary = status.RootElement.GetProperty("primary");
                var traffic = primary.GetProperty("traffic");
                weights.Enqueue((
                    Volatile.Read(ref phase),
                    traffic.GetProperty("weight_pct").GetDouble(),
                    traffic.GetProperty("share_pct").ValueKind == JsonValueKind.Number ? traffic.GetProperty("share_pct").GetDouble() : null,
                    primary.GetProperty("circuit_breaker").GetProperty("state").GetString()!,
                    primary.GetProperty("status").GetString()!));
                await Task.Delay(50, CancellationToken.None);
            }
        });

        // The weight itself, read in process more often still, so no step of 250 ms goes unseen on a loaded machine.
        var steps = new ConcurrentQueue<(string Phase, double Weight)>();
        var sample = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                steps.Enqueue((Volatile.Read(ref phase), gateway.Chain.Providers[0].Drift.Weight * 100));
                await Task.Delay(10, CancellationToken.None);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(1)); // the first calls pay for the gateway's warm-up
        Volatile.Write(ref phase, "baseline");
        await Task.Delay(TimeSpan.FromSeconds(3)); // about 20 ms
        foreach (var (latency, hold) in new[] { (50, 1.5), (150, 2.5), (250, 2.0), (600, 2.0) })
        {
            Volatile.Write(ref phase, $"raised-{latency}");
            await Primary.SetFaultAsync(new { mode = "latency", latency_ms = latency });
            await Task.Delay(TimeSpan.FromSeconds(hold));
            Assert.Equal(CircuitState.Closed, breaker.State);
        }

        Volatile.Write(ref phase, "restored");
        await Primary.ClearFaultAsync();
        var deadline = Stopwatch.GetTimestamp();
        while (gateway.Chain.Providers[0].Drift.Weight < 1 && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(Step);
        }

        Volatile.Write(ref phase, "after");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await stop.CancelAsync();
        await load.WaitAsync(TimeSpan.FromSeconds(30));
        await watch.WaitAsync(TimeSpan.FromSeconds(30));
        await sample.WaitAsync(TimeSpan.FromSeconds(30));

        Report(results, weights);

        // Its share fell, and the circuit never opened: drained on latency alone, no error, no slow call.
        Assert.True(Share(results, "baseline") >= 0.9, $"baseline share {Share(results, "baseline"):P0}");
        Assert.True(Share(results, "raised-600") <= 0.1, $"share at 600 ms {Share(results, "raised-600"):P0}");
        Assert.Contains(weights, w => w.Phase == "baseline" && w.Share >= 90); // and the status endpoint's share_pct with it
        Assert.Contains(weights, w => w.Phase == "raised-600" && w.Share <= 10);
        Assert.Contains(weights, w => w.Phase == "raised-600"); // or the next line would hold on no sample at all
        Assert.All(weights.Where(w => w.Phase == "raised-600"), w => Assert.Equal(1.0, w.Weight));
        Assert.All(weights, w => Assert.Equal("closed", w.Circuit));
        Assert.Contains(weights, w => w.Status == "degraded");
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(0L, breaker.GetSnapshot().SlowCalls);

        // The gateway's p99 over the drift stayed within 1.5x the fallback's own.
        var drifting = results.Where(r => r.Phase.StartsWith("raised-", StringComparison.Ordinal)).ToList();
        var gatewayP99 = P99(drifting);
        var fallbackP99 = P99(drifting.Where(r => r.Provider == "fallback").ToList());
        output.WriteLine($"while drifting: gateway p99 {gatewayP99:0} ms over {drifting.Count} requests, fallback p99 {fallbackP99:0} ms");
        Assert.True(gatewayP99 <= 1.5 * fallbackP99, $"gateway p99 {gatewayP99:0} ms, fallback p99 {fallbackP99:0} ms");

        // Given back in steps, 1% → 10% → 50% → 100%, and its share with them.
        Assert.Equal([100.0, 50.0, 10.0, 1.0], Distinct(steps.Where(w => w.Phase is not ("restored" or "after")).Select(w => w.Weight)));
        Assert.Equal([1.0, 10.0, 50.0, 100.0], Distinct(steps.Where(w => w.Phase is "restored" or "after").Select(w => w.Weight)));
        Assert.Contains(weights, w => w.Weight < 100); // and the status endpoint showed it
        Assert.True(Share(results, "after") >= 0.8, $"share after recovery {Share(results, "after"):P0}");
        Assert.Contains(weights, w => w.Phase == "after" && w.Share >= 80);

        // Recorded as incidents, through the gateway's sink and Redis.
        var degraded = await IncidentsAsync(http, "provider_degraded");
        var incident = Assert.Single(degraded);
        Assert.Equal(("primary", "gateway"), (incident.GetProperty("provider").GetString(), incident.GetProperty("source").GetString()));
        Assert.Contains("drifted", incident.GetProperty("detail").GetString());
        Assert.Single(await IncidentsAsync(http, "provider_recovered"));
        var live = await events.WaitForAsync(
            m => m.GetProperty("event_type").GetString() == "incident" && m.GetProperty("payload").GetProperty("type").GetString() == "provider_degraded",
            TimeSpan.FromSeconds(10),
            "live provider_degraded event");
        Assert.Equal(incident.GetProperty("id").GetString(), live.GetProperty("id").GetString());
        Assert.Empty(await IncidentsAsync(http, "circuit_opened", wait: false));
    }

    private static double Share(IEnumerable<Result> results, string phase)
    {
        var inPhase = results.Where(r => r.Phase == phase).ToList();
        Assert.NotEmpty(inPhase);
        return (double)inPhase.Count(r => r.Provider == "primary") / inPhase.Count;
    }

    private static double P99(List<Result> results)
    {
        Assert.NotEmpty(results);
        var sorted = results.Select(r => r.Latency.TotalMilliseconds).Order().ToArray();
        return sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1];
    }

    private static List<double> Distinct(IEnumerable<double> values)
    {
        var distinct = new List<double>();
        foreach (var value in values)
        {
            if (distinct.Count == 0 || distinct[^1] != value)
            {
                distinct.Add(value);
            }
        }

        return distinct;
    }

    // The incidents of one type, waiting (at most 10 s) for the sink's writer to store at least one.
    private static async Task<List<JsonElement>> IncidentsAsync(HttpClient http, string type, bool wait = true)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var body = JsonDocument.Parse(await http.GetStringAsync($"/api/incidents?type={type}"));
            var incidents = body.RootElement.GetProperty("incidents").EnumerateArray().Select(i => i.Clone()).ToList();
            if (incidents.Count > 0 || !wait || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                return incidents;
            }

            await Task.Delay(100);
        }
    }

    private void Report(IEnumerable<Result> results, IEnumerable<(string Phase, double Weight, double? Share, string Circuit, string Status)> weights)
    {
        foreach (var group in results.GroupBy(r => r.Phase))
        {
            var list = group.ToList();
            output.WriteLine($"{group.Key,-12} {list.Count,5} requests, primary {(double)list.Count(r => r.Provider == "primary") / list.Count,6:P1}, p99 {P99(list),6:0} ms");
        }

        output.WriteLine("weights: " + string.Join(" ", Distinct(weights.Select(w => w.Weight))));
    }

    private sealed record Result(string Phase, string Provider, TimeSpan Latency);
}
