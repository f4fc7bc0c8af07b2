using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Security;

/// <summary>
/// Each simulator gets its own canary provider key and echoes it back in its error bodies, as some real providers
/// echo a bad key. After a run of successes, failures, failovers and total outages through both chat endpoints, the
/// canaries must appear nowhere the gateway writes: logs (trace level), exported traces, response bodies and headers,
/// the incident log (<c>/api/incidents</c>) and the WebSocket's frames.
/// </summary>
public sealed class ProviderKeyCanaryTests
{
    [Fact]
    public async Task CanaryProviderKeys_EchoedByFailingProviders_AppearInNoLogTraceOrResponse()
    {
        var primaryKey = "sk-canary-primary-" + Guid.NewGuid().ToString("N");
        var fallbackKey = "ollama-canary-fallback-" + Guid.NewGuid().ToString("N");
        var echo = new Dictionary<string, string?> { ["Simulator:EchoAuthorizationInErrors"] = "true" };
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI, settings: echo);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama, settings: echo);
        await using var redis = await RedisServer.StartAsync();
        var logs = new ListLoggerProvider();
        var spans = new List<Activity>();
        await using (var gateway = await GatewayServer.StartAsync(primary, fallback, new Dictionary<string, string?>
        {
            ["Providers:0:ApiKey"] = primaryKey,
            ["Providers:1:ApiKey"] = fallbackKey,
            ["Gateway:CircuitBreaker:FailureThreshold"] = "2",
            ["Logging:LogLevel:Default"] = "Trace",
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Sentinel:Events:RetryInterval"] = "00:00:00.100",
            ["Gateway:Events:MetricsFlushInterval"] = "00:00:00.200",
        }, configure: builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans));
        }))
        {
            using var http = gateway.CreateClient();
            await using var events = await EventStreamClient.ConnectAsync(gateway.BaseAddress);
            var responses = new StringBuilder();
            async Task SendAllAsync(string label)
            {
                foreach (var (path, body) in Requests(label))
                {
                    using var response = await http.PostAsJsonAsync(path, body);
                    responses.Append(response).Append(response.Headers).Append(await response.Content.ReadAsStringAsync());
                }
            }

            // Prove the echo works, so the test could fail: the simulator does put the key in its error body.
            await primary.SetFaultAsync(new { mode = "error_500" });
            using (var direct = primary.CreateHttpClient())
            {
                direct.DefaultRequestHeaders.Authorization = new("Bearer", primaryKey);
                var echoed = await (await direct.PostAsJsonAsync("v1/chat/completions", new { model = primary.Model, messages = new[] { new { role = "user", content = "x" } } })).Content.ReadAsStringAsync();
                Assert.Contains(primaryKey, echoed);
            }

            await primary.SetFaultAsync(new { mode = "healthy" });
            await SendAllAsync("healthy");
            await primary.SetFaultAsync(new { mode = "error_500" });
            await SendAllAsync("primary failing");
            await primary.SetFaultAsync(new { mode = "rate_limited", retry_after_seconds = 1 });
            await SendAllAsync("primary rate limited");
            await fallback.SetFaultAsync(new { mode = "error_503" });
            await SendAllAsync("both failing");

            // Incidents (failovers, circuits, total outage) reach the incident log and the WebSocket.
            var incidents = "";
            for (var attempt = 0; attempt < 100 && !incidents.Contains("all_providers_down", StringComparison.Ordinal); attempt++)
            {
                await Task.Delay(100);
                incidents = await http.GetStringAsync("/api/incidents?limit=500");
            }

            await events.WaitForEventAsync("incident", payload => payload.GetProperty("type").GetString() == "all_providers_down", TimeSpan.FromSeconds(30), "the all-down incident");
            var frames = string.Join('\n', events.Seen.Concat(events.Drain()).Select(frame => frame.GetRawText()));
            Assert.Contains("failover_triggered", incidents);
            Assert.Contains("circuit_opened", incidents);
            Assert.Contains("failover_triggered", frames);
            responses.Append(incidents).Append(frames);

            Assert.Contains("\"failover_occurred\":true", responses.ToString());
            Assert.Contains("all-providers-failed", responses.ToString());
            Assert.True((await primary.GetStatsAsync()).FaultedRequests > 0);
            Assert.True((await fallback.GetStatsAsync()).FaultedRequests > 0);
            foreach (var (what, text) in new[] { ("responses", responses.ToString()) }.Concat(logs.Lines.Select(line => ("log", line))))
            {
                Assert.False(text.Contains(primaryKey, StringComparison.Ordinal), $"{what}: {text}");
                Assert.False(text.Contains(fallbackKey, StringComparison.Ordinal), $"{what}: {text}");
            }
        }

        // The provider calls' own spans (GenAI and HTTP client) recorded the failures; they are what a leak would be in.
        Assert.Contains(spans, span => span.Source.Name.Contains("Microsoft.Extensions.AI", StringComparison.Ordinal) && span.Status == ActivityStatusCode.Error);
        Assert.Contains(spans, span => span.Kind == ActivityKind.Client && span.Status == ActivityStatusCode.Error);
        foreach (var span in spans)
        {
            var text = Describe(span);
            Assert.False(text.Contains(primaryKey, StringComparison.Ordinal), $"span: {text}");
            Assert.False(text.Contains(fallbackKey, StringComparison.Ordinal), $"span: {text}");
        }

        Assert.NotEmpty(logs.Lines);
    }

    private static IEnumerable<(string Path, object Body)> Requests(string label)
    {
        yield return ("/api/chat", new { messages = new[] { new { role = "user", content = label } } });
        yield return ("/v1/chat/completions", new { model = "any", messages = new[] { new { role = "user", content = label } } });
        yield return ("/v1/chat/completions", new { model = "any", stream = true, messages = new[] { new { role = "user", content = label } } });
    }

    private static string Describe(Activity span) => string.Join(' ',
        span.DisplayName,
        span.StatusDescription,
        string.Join(' ', span.TagObjects.Select(t => $"{t.Key}={t.Value}")),
        string.Join(' ', span.Events.Select(e => e.Name + " " + string.Join(' ', e.Tags.Select(t => $"{t.Key}={t.Value}")))),
        string.Join(' ', span.Links.SelectMany(l => l.Tags ?? []).Select(t => $"{t.Key}={t.Value}")));
}
