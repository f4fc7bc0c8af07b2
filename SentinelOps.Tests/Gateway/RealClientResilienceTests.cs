using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Exceptions;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>
/// The gateway's provider chain over the real OpenAI SDK and OllamaSharp clients and two in-process simulators: what
/// the resilience layers do with what those clients actually throw and stream.
/// </summary>
public sealed class RealClientResilienceTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.System, "be brief"), new(ChatRole.User, "what is up")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ollamas400_ThroughOllamaSharp_IsNotRetried_NotCounted_AndNeverOpensTheFallbacksCircuit(bool streaming)
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await primary.SetFaultAsync(new { mode = "error_503" });
        using var gateway = GatewayHost.Create(primary, fallback);

        // The simulator, as Ollama does, answers 400 to a request it cannot take: here, no messages.
        for (var i = 0; i < 6; i++)
        {
            var ex = await Assert.ThrowsAsync<ProviderRejectedRequestException>(() => streaming
                ? gateway.ChatClient.GetStreamingResponseAsync([]).ToListAsync().AsTask()
                : gateway.ChatClient.GetResponseAsync([]));
            Assert.Equal("fallback", ex.Failure.Provider);
            Assert.Equal(400, ex.Failure.StatusCode);
            Assert.IsType<OllamaException>(ex.InnerException);
        }

        Assert.Equal(6, (await fallback.GetStatsAsync()).ChatRequests);
        var breaker = gateway.Chain.Find("fallback")!.Breaker!;
        Assert.Equal(CircuitState.Closed, breaker.State);
        var snapshot = breaker.GetSnapshot();
        Assert.Equal((0, 0L), (snapshot.ConsecutiveFailures, snapshot.Failures));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnOpenAIPrimaryAnsweringABrokenBody_IsAFailure_AndTheFallbackAnswers(bool streamNonStreamingRequests)
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback, settings: new Dictionary<string, string?>
        {
            ["Gateway:Timeouts:StreamNonStreamingRequests"] = streamNonStreamingRequests ? "true" : "false",
        });

        // A 200 whose body is not what was asked for: as a stream it holds no event at all, whole it is not JSON.
        await primary.SetFaultAsync(new { mode = "malformed_body" });

        var response = await gateway.ChatClient.GetResponseAsync("anyone?");
        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal("fallback", routing.Provider);
        Assert.StartsWith("malformed response", routing.Failures[0].Error);
        Assert.False(string.IsNullOrEmpty(response.Text));

        var streamed = await gateway.ChatClient.GetStreamingResponseAsync("anyone?").ToListAsync();
        Assert.Equal("fallback", ProviderRouting.From(streamed[0].AdditionalProperties)!.Provider);
        Assert.False(string.IsNullOrEmpty(streamed.ToChatResponse().Text));
    }

    [Fact]
    public async Task ARequestWaitingOnAHungPrimary_FailsOverAtOnce_WhenThePrimaryIsIsolated()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback);
        await primary.SetFaultAsync(new { mode = "hang" });

        var pending = gateway.ChatClient.GetResponseAsync("anyone?");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await primary.GetStatsAsync()).ChatRequests == 0)
        {
            await Task.Delay(20, deadline.Token);
        }

        // What the monitor's provider_down does: the request stops waiting for the 15 s first-token limit.
        gateway.Chain.Find("primary")!.Breaker!.Isolate("monitor reported provider_down");
        var response = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal("fallback", routing.Provider);
        Assert.Equal("given up: circuit isolated while waiting for the first token", Assert.Single(routing.Failures).Error);
    }

    [Fact]
    public async Task AHangingPrimary_OpensItsCircuitAfterThreeStalls_EvenWithAWholeAnswerLimitBelowTheFirstTokenLimit()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback, settings: new Dictionary<string, string?>
        {
            // Below the 15 s first-token limit, yet long enough for the fallback's first (cold) call on a loaded machine.
            ["Gateway:Timeouts:Attempt"] = "00:00:02",
        });
        await primary.SetFaultAsync(new { mode = "hang" });

        for (var i = 0; i < 5; i++)
        {
            var response = await gateway.ChatClient.GetResponseAsync("anyone?");
            Assert.Equal("fallback", ProviderRouting.From(response.AdditionalProperties)!.Provider);
        }

        var breaker = gateway.Chain.Find("primary")!.Breaker!;
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(2), breaker.GetSnapshot().SlowCallThreshold);
        Assert.Equal(3, (await primary.GetStatsAsync()).ChatRequests);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task APrimaryStallingAfterItsFirstChunk_IsFailedOverWhole_AndSkippedAfterThreeStalls(SimulatorProtocol primaryProtocol)
    {
        await using var primary = await SimulatorServer.StartAsync(primaryProtocol);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback, settings: new Dictionary<string, string?>
        {
            ["Providers:0:Kind"] = primary.Kind.ToString(),
            ["Providers:0:Endpoint"] = primary.ProviderEndpoint.ToString(),
            ["Gateway:SlowCalls:InterChunkMinLimit"] = "00:00:00.500",
            ["Gateway:SlowCalls:InterChunkMaxLimit"] = "00:00:01",
        });
        await fallback.GetStatsAsync(); // both simulators up before the clock starts
        await primary.SetFaultAsync(new { mode = "stall", after_chunks = 1 });

        for (var i = 0; i < 5; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var response = await gateway.ChatClient.GetResponseAsync("anyone?");

            // One clean answer from the fallback: the primary's first chunk never reaches the caller.
            Assert.Equal("Simulated answer to: anyone?", response.Text);
            var routing = ProviderRouting.From(response.AdditionalProperties)!;
            Assert.Equal("fallback", routing.Provider);
            Assert.Equal("primary", Assert.Single(routing.Failures).Provider);
            Assert.StartsWith(i < 3 ? "stream stalled" : "circuit open", routing.Failures[0].Error);

            // The stall limit (1 s) plus the fallback's answer, not the 45 s whole-answer limit.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"request {i} took {watch.Elapsed}");
        }

        var snapshot = gateway.Chain.Find("primary")!.Breaker.GetSnapshot();
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(3, snapshot.Failures);
        Assert.Equal(0, snapshot.SuccessRatePercent);
        Assert.NotNull(snapshot.LastStall);
        Assert.Equal(3, (await primary.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task APrimaryCuttingItsStreamMidAnswer_IsFailedOverWhole_ForANonStreamingRequest()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback);
        await primary.SetFaultAsync(new { mode = "stream_cut", after_chunks = 1 });

        var response = await gateway.ChatClient.GetResponseAsync("anyone?");

        // The caller received nothing of the broken answer: one clean answer from the fallback.
        Assert.Equal("Simulated answer to: anyone?", response.Text);
        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal("fallback", routing.Provider);
        Assert.Equal("primary", Assert.Single(routing.Failures).Provider);
    }

    [Fact]
    public async Task OverHttp_ANonStreamingRequestToAStallingPrimary_SaysItFailedOver()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback, new Dictionary<string, string?>
        {
            ["Gateway:SlowCalls:InterChunkMinLimit"] = "00:00:00.500",
            ["Gateway:SlowCalls:InterChunkMaxLimit"] = "00:00:01",
        });
        await primary.SetFaultAsync(new { mode = "stall", after_chunks = 2 });
        using var http = gateway.CreateClient();

        using var completion = await http.PostAsJsonAsync("v1/chat/completions", new
        {
            model = primary.Model,
            messages = new[] { new { role = "user", content = "anyone?" } },
        });
        completion.EnsureSuccessStatusCode();
        Assert.Equal("fallback", completion.Headers.GetValues("x-sentinel-provider").Single());
        Assert.Equal("true", completion.Headers.GetValues("x-sentinel-failover").Single());
        using (var body = JsonDocument.Parse(await completion.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Simulated answer to: anyone?", body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }

        using var chat = await http.PostAsJsonAsync("api/chat", new { message = "anyone?" });
        chat.EnsureSuccessStatusCode();
        using (var body = JsonDocument.Parse(await chat.Content.ReadAsStringAsync()))
        {
            Assert.Equal("fallback", body.RootElement.GetProperty("provider_used").GetString());
            Assert.True(body.RootElement.GetProperty("failover_occurred").GetBoolean());
            Assert.Equal("primary", body.RootElement.GetProperty("failover_chain")[0].GetString());
            Assert.Equal("Simulated answer to: anyone?", body.RootElement.GetProperty("response_text").GetString());
        }

        using var status = JsonDocument.Parse(await http.GetStringAsync("api/providers/status"));
        var circuit = status.RootElement.GetProperty("primary").GetProperty("circuit_breaker");
        Assert.Equal(2, circuit.GetProperty("failures").GetInt32());
        Assert.True(circuit.GetProperty("stalled").GetBoolean());
        Assert.Equal(JsonValueKind.String, circuit.GetProperty("last_stall").ValueKind);
        Assert.Equal(1000, circuit.GetProperty("inter_chunk_limit_ms").GetDouble());
        Assert.Equal("down", status.RootElement.GetProperty("primary").GetProperty("status").GetString());
        Assert.Equal(0, status.RootElement.GetProperty("primary").GetProperty("success_rate_pct").GetDouble());
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task ANonStreamingRequest_TravelsAsAStream_AndKeepsUsageAndFinishReason(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var client = Pipeline(simulator);

        var response = await client.GetResponseAsync(Prompt);
        var truncated = await client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 2 });

        Assert.Equal("Simulated answer to: what is up", response.Text);
        Assert.Equal(simulator.Model, response.ModelId);
        Assert.Equal((5, 6), (response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount));
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("Simulated answer", truncated.Text);
        Assert.Equal(ChatFinishReason.Length, truncated.FinishReason);

        // A fault that only strikes streams proves the request went out as one.
        await simulator.SetFaultAsync(new { mode = "stream_cut", after_chunks = 1, requests = 1 });
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync(Prompt));
        Assert.Equal(1, (await simulator.GetStatsAsync()).FaultedRequests);
    }

    [Fact]
    public async Task WithStreamingOff_ANonStreamingRequestIsSentWhole()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        using var client = Pipeline(simulator, new AttemptTimeoutOptions { StreamNonStreamingRequests = false });
        await simulator.SetFaultAsync(new { mode = "stream_cut", after_chunks = 1 });

        var response = await client.GetResponseAsync(Prompt);

        Assert.Equal("Simulated answer to: what is up", response.Text);
        Assert.Equal(0, (await simulator.GetStatsAsync()).FaultedRequests);
    }

    // The provider chain's pipeline, without retries, over the real protocol client.
    private static IChatClient Pipeline(SimulatorServer simulator, AttemptTimeoutOptions? timeouts = null)
    {
        timeouts ??= new AttemptTimeoutOptions();
        var provider = new ProviderOptions { Name = "p", Kind = simulator.Kind, Endpoint = simulator.ProviderEndpoint, Model = simulator.Model };
        var builder = new ChatClientBuilder(ProviderChatClientFactory.Create(provider, new HttpClient()));
        if (timeouts.StreamNonStreamingRequests)
        {
            builder.UseStreamedResponses(timeouts);
        }

        var breaker = new CircuitBreaker("p", new CircuitBreakerOptions(), TimeProvider.System);
        return builder
            .UseCircuitBreaker(TestHealth.WriterOf(breaker), breaker)
            .UseAttemptTimeout(timeouts)
            .Build();
    }
}
