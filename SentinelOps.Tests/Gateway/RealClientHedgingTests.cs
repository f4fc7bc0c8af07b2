using System.ClientModel;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;
using Xunit.Abstractions;

namespace SentinelOps.Tests.Gateway;

/// <summary>
/// Time-to-first-token hedging end to end: the official OpenAI .NET client over real HTTP, the whole gateway on Kestrel,
/// two real simulators, the primary 2 s slow to its first token (the simulator's latency fault).
/// </summary>
public sealed class RealClientHedgingTests(ITestOutputHelper output)
{
    private const int SlowMilliseconds = 2000;
    private const int MeasuredRequests = 20;

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task WithHedgingOn_ASlowPrimaryNoLongerSetsTheTimeToFirstByte_WithItOffItDoes(SimulatorProtocol primaryProtocol)
    {
        await using var primary = await SimulatorServer.StartAsync(primaryProtocol);
        await using var fallback = await SimulatorServer.StartAsync(primaryProtocol == SimulatorProtocol.OpenAI ? SimulatorProtocol.Ollama : SimulatorProtocol.OpenAI);
        await primary.SetFaultAsync(new { mode = "latency", latency_ms = SlowMilliseconds });

        await using (var hedging = await StartGatewayAsync(primary, fallback, hedging: true))
        {
            var client = OpenAiClient(hedging);
            await TimeToFirstContentAsync(client); // warm-up: the gateway's first request also pays for its JIT and connections
            var times = new List<TimeSpan>();
            for (var i = 0; i < MeasuredRequests; i++)
            {
                times.Add(await TimeToFirstContentAsync(client));
            }

            var p90 = Percentile(times, 0.9);
            output.WriteLine($"{primaryProtocol} primary, hedging on: p50 {Percentile(times, 0.5).TotalMilliseconds:0} ms, p90 {p90.TotalMilliseconds:0} ms");
            Assert.True(p90 < TimeSpan.FromSeconds(1), $"p90 {p90.TotalMilliseconds:0} ms with hedging (all: {string.Join(", ", times.Select(t => t.TotalMilliseconds.ToString("0")))})");

            // What the client sees: the OpenAI endpoint's header, the seed API's field.
            var completion = await client.CompleteChatAsync([new UserChatMessage("anyone?")]);
            var headers = completion.GetRawResponse().Headers;
            Assert.True(headers.TryGetValue("x-sentinel-hedged", out var hedged) && hedged == "true");
            Assert.True(headers.TryGetValue("x-sentinel-provider", out var provider) && provider == "fallback");
            Assert.False(string.IsNullOrEmpty(completion.Value.Content[0].Text));

            using var http = hedging.CreateClient();
            using var chat = await http.PostAsJsonAsync("api/chat", new { message = "anyone?" });
            chat.EnsureSuccessStatusCode();
            using (var body = JsonDocument.Parse(await chat.Content.ReadAsStringAsync()))
            {
                Assert.True(body.RootElement.GetProperty("hedged").GetBoolean());
                Assert.Equal("fallback", body.RootElement.GetProperty("provider_used").GetString());
                Assert.False(body.RootElement.GetProperty("failover_occurred").GetBoolean());
                Assert.True(body.RootElement.GetProperty("latency_ms").GetDouble() < SlowMilliseconds);
            }

            using var metrics = JsonDocument.Parse(await http.GetStringAsync("api/metrics"));
            Assert.Equal(MeasuredRequests + 3, metrics.RootElement.GetProperty("total_hedged").GetInt64());

            // 23 attempts cancelled by the gateway: no verdict on the slow primary.
            using var status = JsonDocument.Parse(await http.GetStringAsync("api/providers/status"));
            var circuit = status.RootElement.GetProperty("primary").GetProperty("circuit_breaker");
            Assert.Equal("closed", circuit.GetProperty("state").GetString());
            Assert.Equal(0, circuit.GetProperty("failures").GetInt32());
            Assert.False(circuit.GetProperty("stalled").GetBoolean());
        }

        await using var plain = await StartGatewayAsync(primary, fallback, hedging: false);
        var plainClient = OpenAiClient(plain);
        for (var i = 0; i < 3; i++)
        {
            var time = await TimeToFirstContentAsync(plainClient);
            output.WriteLine($"{primaryProtocol} primary, hedging off: {time.TotalMilliseconds:0} ms");
            Assert.True(time >= TimeSpan.FromMilliseconds(SlowMilliseconds * 0.9), $"{time.TotalMilliseconds:0} ms without hedging");
        }

        // Unhedged, the seed API's answer keeps its nine fields.
        using var plainHttp = plain.CreateClient();
        using var plainChat = await plainHttp.PostAsJsonAsync("api/chat", new { message = "anyone?" });
        plainChat.EnsureSuccessStatusCode();
        using var plainBody = JsonDocument.Parse(await plainChat.Content.ReadAsStringAsync());
        Assert.Equal("primary", plainBody.RootElement.GetProperty("provider_used").GetString());
        Assert.False(plainBody.RootElement.TryGetProperty("hedged", out _));
        Assert.Equal(9, plainBody.RootElement.EnumerateObject().Count());
    }

    private static Task<GatewayServer> StartGatewayAsync(SimulatorServer primary, SimulatorServer fallback, bool hedging) =>
        GatewayServer.StartAsync(primary, fallback, new Dictionary<string, string?>
        {
            ["Gateway:Hedging:Enabled"] = hedging ? "true" : "false",
            ["Gateway:Hedging:Delay"] = "00:00:00.200",

            // Every request is slow here: the whole budget, so each one may be hedged (the default, 10 %, would hedge 2 of 20).
            ["Gateway:Hedging:BudgetPercent"] = "100",
        });

    private static ChatClient OpenAiClient(GatewayServer gateway) => new(
        "any-model",
        new ApiKeyCredential("sk-client-key-unused"),
        new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

    // The time from sending a streamed request to its first content, reading the stream to its end.
    private static async Task<TimeSpan> TimeToFirstContentAsync(ChatClient client)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();
        TimeSpan? first = null;
        var text = string.Empty;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("anyone?")], cancellationToken: deadline.Token))
        {
            if (update.ContentUpdate.Count > 0)
            {
                first ??= watch.Elapsed;
                text += update.ContentUpdate[0].Text;
            }
        }

        Assert.Equal("Simulated answer to: anyone?", text);
        return first ?? throw new InvalidOperationException("The stream carried no content.");
    }

    private static TimeSpan Percentile(List<TimeSpan> times, double percentile)
    {
        var sorted = times.Order().ToList();
        return sorted[(int)Math.Ceiling(percentile * sorted.Count) - 1];
    }
}
