using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using SentinelOps.Gateway.Routing;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>
/// Mid-stream continuation end to end: the official OpenAI .NET client streaming from a real gateway over HTTP, in
/// front of two real simulators, one of which stalls or cuts its stream after its first chunks.
/// </summary>
public sealed class StreamContinuationRealClientTests
{
    private const string Answer = "Simulated answer to: what is up";

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI, "stall", "stall")]
    [InlineData(SimulatorProtocol.OpenAI, "stream_cut", "cut")]
    [InlineData(SimulatorProtocol.Ollama, "stall", "stall")]
    [InlineData(SimulatorProtocol.Ollama, "stream_cut", "cut")]
    public async Task AStreamThatStopsMidAnswer_IsContinuedByTheNextProvider_InOneStreamEndingWithDone(SimulatorProtocol primaryProtocol, string fault, string reason)
    {
        await using var primary = await SimulatorServer.StartAsync(primaryProtocol);
        await using var fallback = await SimulatorServer.StartAsync(Other(primaryProtocol));
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, StallLimits());
        await primary.SetFaultAsync(new { mode = fault, after_chunks = 2 });
        var (client, wire) = OfficialClient(gateway);

        var updates = await client.CompleteChatStreamingAsync([new SystemChatMessage("be brief"), new UserChatMessage("what is up")]).ToListAsync();

        // The primary's two chunks, then the fallback's continuation: the whole answer, nothing repeated.
        var text = string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text));
        Assert.Equal(Answer, text);
        Assert.Equal(ChatFinishReason.Stop, updates.Last(u => u.FinishReason is not null).FinishReason);

        // Usage adds both parts: the primary's 2 chunks (its own count never came) and the fallback's 4 tokens; the
        // fallback's input is the whole prompt again, with the partial answer and the instruction.
        var usage = Assert.Single(updates, u => u.Usage is not null).Usage;
        var expectedInput = Words("be brief", "what is up", "Simulated answer ", ContinuationPrompt.Instruction);
        Assert.Equal((expectedInput, 6, expectedInput + 6), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));

        // One SSE stream: a comment marks the switch, every chunk has the same id, and it ends with [DONE].
        var body = wire.Body;
        Assert.Contains($"\n\n: x-sentinel continued provider=fallback after=primary reason={reason}\n\ndata: ", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        Assert.Single(ChunkIds(body).Distinct());
        Assert.Equal(1, (await fallback.GetStatsAsync()).ChatRequests);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI, "stall")]
    [InlineData(SimulatorProtocol.OpenAI, "stream_cut")]
    [InlineData(SimulatorProtocol.Ollama, "stall")]
    [InlineData(SimulatorProtocol.Ollama, "stream_cut")]
    public async Task ANonStreamingRequest_ToAPrimaryThatStopsMidAnswer_IsAnsweredWholeByTheFallback_AndThePrimaryIsSkippedAfterThreeTries(
        SimulatorProtocol primaryProtocol, string fault)
    {
        await using var primary = await SimulatorServer.StartAsync(primaryProtocol);
        await using var fallback = await SimulatorServer.StartAsync(Other(primaryProtocol));
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, StallLimits());
        await primary.SetFaultAsync(new { mode = fault, after_chunks = 1 });
        var (client, _) = OfficialClient(gateway);

        for (var i = 0; i < 5; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await client.CompleteChatAsync([new UserChatMessage("what is up")]);

            // One clean answer, the fallback's alone, within the stall limit (1 s) plus the fallback's time.
            Assert.Equal(Answer, Assert.Single(result.Value.Content).Text);
            var headers = result.GetRawResponse().Headers;
            Assert.Equal(("fallback", "true"), (headers.TryGetValue("x-sentinel-provider", out var p) ? p : null, headers.TryGetValue("x-sentinel-failover", out var f) ? f : null));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"request {i} took {watch.Elapsed}");
        }

        // Three stalls or cuts open the primary's circuit: the last two requests never reach it.
        Assert.Equal(3, (await primary.GetStatsAsync()).ChatRequests);
        Assert.Equal(5, (await fallback.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task AContinuedStream_CountsAsAFailover_InTheMetricsAndAnIncident()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, redis.ConnectionString, StallLimits());
        await primary.SetFaultAsync(new { mode = "stall", after_chunks = 1 });
        using var http = gateway.CreateClient();

        using var response = await PostStreamAsync(http);
        var body = await response.Content.ReadAsStringAsync();

        // The headers went out with the first chunk, before the primary stalled: they name the primary.
        Assert.Equal("primary", response.Headers.GetValues("x-sentinel-provider").Single());
        Assert.Equal("false", response.Headers.GetValues("x-sentinel-failover").Single());
        Assert.EndsWith("data: [DONE]\n\n", body);

        var metrics = await WaitForAsync(http, "api/metrics", m => m.GetProperty("total_requests").GetInt64() == 1);
        Assert.Equal(1, metrics.GetProperty("total_failovers").GetInt64());
        Assert.Equal(1, metrics.GetProperty("total_successes").GetInt64());
        Assert.Equal(1, metrics.GetProperty("providers").GetProperty("primary").GetProperty("failures").GetInt64());
        Assert.Equal(1, metrics.GetProperty("providers").GetProperty("fallback").GetProperty("successes").GetInt64());

        var incidents = await WaitForAsync(http, "api/incidents?type=failover_triggered", i => i.GetProperty("count").GetInt32() > 0);
        var incident = Assert.Single(incidents.GetProperty("incidents").EnumerateArray());
        Assert.Equal("fallback", incident.GetProperty("provider").GetString());
        Assert.Equal(["primary"], incident.GetProperty("failover_chain").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("primary: mid-stream: stream stalled", incident.GetProperty("detail").GetString());

        // The primary's breaker counted the stall.
        var circuit = gateway.Chain.Find("primary")!.Breaker.GetSnapshot();
        Assert.Equal(1, circuit.Failures);
        Assert.NotNull(circuit.LastStall);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithContinuationOff_ByHeaderOrConfiguration_TheStreamEndsWithTheErrorEvent_AndNoDone(bool byHeader)
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        var settings = StallLimits();
        settings["Gateway:Streaming:Continuation"] = byHeader ? "true" : "false";
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, settings);
        await primary.SetFaultAsync(new { mode = "stream_cut", after_chunks = 2 });
        using var http = gateway.CreateClient();

        using var response = await PostStreamAsync(http, byHeader ? "off" : null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"content\":\"answer \"", body);
        Assert.Contains("\"code\":\"stream_interrupted\"", body);
        Assert.DoesNotContain("[DONE]", body);
        Assert.DoesNotContain("x-sentinel continued", body);
        Assert.Equal(0, (await fallback.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task AContinuationHeaderThatIsNeitherOnNorOff_IsA400NamingIt()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback);
        using var http = gateway.CreateClient();

        using var response = await PostStreamAsync(http, "maybe");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(StreamContinuationSwitch.HeaderName, out _));
        Assert.Equal(0, (await primary.GetStatsAsync()).ChatRequests);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI, 1)]
    [InlineData(SimulatorProtocol.Ollama, 0)]
    public async Task AStreamBrokenInsideAToolCall_BeforeAnyOfItWasSent_RestartsWholeOnTheNextProvider(SimulatorProtocol primaryProtocol, int afterChunks)
    {
        await using var primary = await SimulatorServer.StartAsync(primaryProtocol);
        await using var fallback = await SimulatorServer.StartAsync(Other(primaryProtocol));
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, StallLimits());

        // The OpenAI primary sends the call's id and name, then is cut inside its arguments; the Ollama one before its call.
        await primary.SetFaultAsync(new { mode = "stream_cut", after_chunks = afterChunks });
        var (client, wire) = OfficialClient(gateway);

        var updates = await client.CompleteChatStreamingAsync([new UserChatMessage("what is up")], new ChatCompletionOptions { Tools = { LookupTool() } }).ToListAsync();

        // One whole call, from the fallback: none of the primary's fragments, and the fallback's own not doubled.
        var fragments = updates.SelectMany(u => u.ToolCallUpdates).ToList();
        Assert.Equal("lookup", Assert.Single(fragments, f => f.FunctionName is not null).FunctionName);
        var arguments = string.Concat(fragments.Select(f => f.FunctionArgumentsUpdate?.ToString()));
        Assert.Equal("what is up", JsonDocument.Parse(arguments).RootElement.GetProperty("question").GetString());
        Assert.EndsWith("data: [DONE]\n\n", wire.Body);
        Assert.DoesNotContain("x-sentinel continued", wire.Body);
        Assert.Equal(1, (await fallback.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task AStreamBrokenAfterAWholeToolCallWasSent_IsNotContinued_AndEndsWithTheErrorEvent()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, StallLimits());

        // Ollama sends a tool call whole, as one chunk: cut after it, the call has reached the client.
        await primary.SetFaultAsync(new { mode = "stream_cut", after_chunks = 1 });
        using var http = gateway.CreateClient();

        using var response = await http.PostAsJsonAsync("v1/chat/completions", new
        {
            model = "any",
            stream = true,
            messages = new[] { new { role = "user", content = "what is up" } },
            tools = new[] { new { type = "function", function = new { name = "lookup", parameters = new { type = "object" } } } },
        });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"name\":\"lookup\"", body);
        Assert.Contains("\"code\":\"stream_interrupted\"", body);
        Assert.DoesNotContain("[DONE]", body);
        Assert.Equal(0, (await fallback.GetStatsAsync()).ChatRequests);
    }

    private static SimulatorProtocol Other(SimulatorProtocol protocol) =>
        protocol == SimulatorProtocol.OpenAI ? SimulatorProtocol.Ollama : SimulatorProtocol.OpenAI;

    // Either protocol as primary, and a stall limit short enough for a test (the learnt limit starts at the ceiling).
    // Stalls found within a second, so each test takes seconds.
    private static Dictionary<string, string?> StallLimits() => new()
    {
        ["Gateway:SlowCalls:InterChunkMinLimit"] = "00:00:00.500",
        ["Gateway:SlowCalls:InterChunkMaxLimit"] = "00:00:01",
    };

    private static (ChatClient Client, RecordingHandler Wire) OfficialClient(GatewayServer gateway)
    {
        var wire = new RecordingHandler();
        var client = new ChatClient("any", new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.BaseAddress, "v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(wire) { Timeout = TimeSpan.FromSeconds(60) }),
        });
        return (client, wire);
    }

    private static ChatTool LookupTool() => ChatTool.CreateFunctionTool(
        "lookup", "Looks the question up.", BinaryData.FromString("""{"type":"object","properties":{"question":{"type":"string"}},"required":["question"]}"""));

    private static async Task<HttpResponseMessage> PostStreamAsync(HttpClient http, string? continuation = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "any",
                stream = true,
                messages = new[] { new { role = "user", content = "what is up" } },
            }),
        };
        if (continuation is not null)
        {
            request.Headers.Add(StreamContinuationSwitch.HeaderName, continuation);
        }

        return await http.SendAsync(request);
    }

    private static IEnumerable<string?> ChunkIds(string body) => body.Split("\n\n")
        .Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
        .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement.GetProperty("id").GetString());

    private static int Words(params string[] texts) =>
        texts.Sum(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);

    private static async Task<JsonElement> WaitForAsync(HttpClient http, string path, Func<JsonElement, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var json = JsonDocument.Parse(await http.GetStringAsync(path, deadline.Token)).RootElement.Clone();
            if (done(json))
            {
                return json;
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
