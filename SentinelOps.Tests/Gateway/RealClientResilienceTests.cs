using Microsoft.Extensions.AI;
using OllamaSharp.Models.Exceptions;
using SentinelOps.Gateway.ChatClients;
using SentinelOps.Gateway.Health;
using SentinelOps.Gateway.Providers;
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
        Assert.Equal(TimeSpan.FromSeconds(2), breaker.SlowCallThreshold);
        Assert.Equal(3, (await primary.GetStatsAsync()).ChatRequests);
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

        return builder
            .UseCircuitBreaker(new CircuitBreaker("p", new CircuitBreakerOptions(), TimeProvider.System))
            .UseAttemptTimeout(timeouts)
            .Build();
    }
}
