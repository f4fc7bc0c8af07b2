using System.ClientModel;
using Aspire.Hosting.Testing;
using OpenAI;
using OpenAI.Chat;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>The official OpenAI .NET client, pointed at the gateway instead of OpenAI, works unchanged.</summary>
[Collection(SentinelAppCollection.Name)]
public sealed class OpenAiCompatibilityTests(SentinelAppFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OfficialClient_CompletesAChat_AndSeesWhichProviderAnswered()
    {
        var client = CreateClient();

        var result = await client.CompleteChatAsync([new UserChatMessage("hello gateway")]);

        Assert.Equal("Simulated answer to: hello gateway", result.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, result.Value.FinishReason);
        Assert.Equal(5, result.Value.Usage.OutputTokenCount);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-sentinel-provider", out var provider));
        Assert.Equal("primary", provider);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-sentinel-failover", out var failover));
        Assert.Equal("false", failover);
    }

    [Fact]
    public async Task OfficialClient_StreamsAChat_EndingWithUsage()
    {
        var client = CreateClient();
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        var chunks = 0;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("stream to me please")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                chunks++;
            }

            usage ??= update.Usage;
        }

        Assert.Equal("Simulated answer to: stream to me please", text.ToString());
        Assert.True(chunks > 1, "the answer arrives in several chunks");
        Assert.NotNull(usage);
        Assert.Equal(7, usage.OutputTokenCount);
    }

    [Fact]
    public async Task OfficialClient_DuringAnOutage_GetsTheFallbacksAnswer_MarkedAsFailover()
    {
        var client = CreateClient();
        await fixture.ExecuteCommandAsync("primary", "simulate-outage");

        var result = await client.CompleteChatAsync([new UserChatMessage("still there?")]);

        Assert.Equal("Simulated answer to: still there?", result.Value.Content[0].Text);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-sentinel-failover", out var failover));
        Assert.Equal("true", failover);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("x-sentinel-provider", out var provider));
        Assert.Equal("fallback", provider);
    }

    [Fact]
    public async Task OfficialClient_WithToolsAndOptions_IsAccepted()
    {
        var client = CreateClient();
        var options = new ChatCompletionOptions
        {
            Temperature = 0.2f,
            TopP = 0.9f,
            MaxOutputTokenCount = 3,
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")) },
        };
        options.StopSequences.Add("\n\n");

        var result = await client.CompleteChatAsync([new UserChatMessage("weather in Paris")], options);

        // Offered a tool, the simulator calls it, as a model would: the call reaches the client whole, once.
        var call = Assert.Single(result.Value.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using (var arguments = System.Text.Json.JsonDocument.Parse(call.FunctionArguments))
        {
            Assert.Equal("weather in Paris", arguments.RootElement.GetProperty("question").GetString());
        }

        Assert.Equal(ChatFinishReason.ToolCalls, result.Value.FinishReason);

        // The same options without the tool: the token limit reaches the provider and cuts the answer.
        options.Tools.Clear();
        var limited = await client.CompleteChatAsync([new UserChatMessage("weather in Paris")], options);
        Assert.Equal("Simulated answer to:", limited.Value.Content[0].Text);
        Assert.Equal(ChatFinishReason.Length, limited.Value.FinishReason);
    }

    [Fact]
    public async Task OfficialClient_SeesAnInvalidRequest_AsA400WithTheFieldNamed()
    {
        var client = CreateClient();

        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            client.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { Temperature = 7 }));

        Assert.Equal(400, ex.Status);
        Assert.Contains("temperature", ex.Message);
    }

    private ChatClient CreateClient() => new(
        "any-model",
        new ApiKeyCredential("sk-client-key-unused"),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.App.GetEndpoint("gateway", "http"), "/v1") });
}
