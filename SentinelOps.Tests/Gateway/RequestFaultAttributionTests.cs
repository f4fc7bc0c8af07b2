using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Metrics;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>
/// A request that fails inside the gateway, before a byte of it is sent, is the request's fault: 400, no retry, no
/// failover, no verdict on any circuit. Driven through the real OpenAI SDK and OllamaSharp clients, which are where
/// such requests fail (Microsoft.Extensions.AI's translation of tools and schemas).
/// </summary>
public sealed class RequestFaultAttributionTests
{
    // Each of these fails inside one provider SDK's translation of the request, never on the wire.
    private static readonly ChatOptions OpenAiCannotTranslate = WithToolSchema("""{"type":"object","properties":5}""");
    private static readonly ChatOptions OllamaCannotTranslate = WithToolSchema("""{"type":"object","properties":{"a":5}}""");

    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARequestTheOpenAIClientCannotBuild_IsTheRequestsFault_NotRetriedNotFailedOver_AndNoCircuitMoves(bool streaming)
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback);

        for (var i = 0; i < 5; i++)
        {
            var ex = await Assert.ThrowsAsync<UnsendableRequestException>(() => Send(gateway.ChatClient, OpenAiCannotTranslate, streaming));
            Assert.Equal("primary", ex.Provider);
            Assert.IsType<JsonException>(ex.InnerException);
            Assert.Contains("$.properties", ex.Message, StringComparison.Ordinal);
        }

        // Neither simulator was called: not the primary (nothing was sent), not the fallback (no failover).
        Assert.Equal(0, (await primary.GetStatsAsync()).ChatRequests);
        Assert.Equal(0, (await fallback.GetStatsAsync()).ChatRequests);
        AssertUntouched(gateway, "primary");
        AssertUntouched(gateway, "fallback");
        var counted = CountersOf(gateway);
        Assert.Equal(5, counted.Rejected);
        Assert.Equal((0L, 0L), (counted.Failures, counted.Successes));

        // The same circuits still serve a good request from the primary.
        var answer = await gateway.ChatClient.GetResponseAsync(Prompt);
        Assert.Equal("primary", ProviderRouting.From(answer.AdditionalProperties)?.Provider);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARequestOllamaSharpCannotBuild_AfterAFailover_Ends400_AndOnlyTheGuiltyPrimaryIsCounted(bool streaming)
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await primary.SetFaultAsync(new { mode = "error_500" });
        using var gateway = GatewayHost.Create(primary, fallback, settings: new Dictionary<string, string?> { ["Gateway:Retry:MaxRetryAttempts"] = "0" });

        var ex = await Assert.ThrowsAsync<UnsendableRequestException>(() => Send(gateway.ChatClient, OllamaCannotTranslate, streaming));

        Assert.Equal("fallback", ex.Provider);
        Assert.IsType<ArgumentException>(ex.InnerException);
        Assert.Equal(1, (await primary.GetStatsAsync()).ChatRequests);
        Assert.Equal(0, (await fallback.GetStatsAsync()).ChatRequests);
        Assert.Equal(1, gateway.Chain.Find("primary")!.Breaker!.GetSnapshot().Failures);
        AssertUntouched(gateway, "fallback");
    }

    [Fact]
    public async Task TheIssuesPoisonRequest_Gets400NamingTheField_AndEveryOtherClientIsStillServed()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await using var gateway = await GatewayServer.StartAsync(primary, fallback);
        using var http = gateway.CreateClient();
        const string Poison = """{"model":"x","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":5}}}]}""";

        foreach (var stream in new[] { false, true })
        {
            for (var i = 0; i < 4; i++)
            {
                using var response = await http.PostAsync("v1/chat/completions", Json(Poison.Replace("\"tools\"", $"\"stream\":{(stream ? "true" : "false")},\"tools\"", StringComparison.Ordinal)));
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("tools[0].function.parameters.properties", out _));
            }
        }

        foreach (var provider in gateway.Chain.Providers)
        {
            Assert.Equal(CircuitState.Closed, provider.Breaker!.State);
            Assert.Equal(0, provider.Breaker.GetSnapshot().Failures);
        }

        using var good = await http.PostAsync("v1/chat/completions", Json("""{"model":"x","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("primary", good.Headers.GetValues("x-sentinel-provider").Single());
    }

    private static ChatOptions WithToolSchema(string schema) =>
        new() { Tools = [AIFunctionFactory.CreateDeclaration("f", "a tool", JsonDocument.Parse(schema).RootElement.Clone())] };

    private static Task Send(IChatClient client, ChatOptions options, bool streaming) => streaming
        ? client.GetStreamingResponseAsync(Prompt, options).ToListAsync().AsTask()
        : client.GetResponseAsync(Prompt, options);

    private static void AssertUntouched(GatewayHost gateway, string provider)
    {
        var breaker = gateway.Chain.Find(provider)!.Breaker!;
        Assert.Equal(CircuitState.Closed, breaker.State);
        var snapshot = breaker.GetSnapshot();
        Assert.Equal((0, 0L, 100d), (snapshot.ConsecutiveFailures, snapshot.Failures, snapshot.SuccessRatePercent));
    }

    private static RequestTotals CountersOf(GatewayHost gateway)
    {
        var totals = new RequestTotals();
        totals.Add(gateway.Services.GetRequiredService<RequestCounters>().Peek());
        return totals;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
