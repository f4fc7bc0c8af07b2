using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Simulator;

/// <summary>The real OpenAI SDK and OllamaSharp clients, unchanged, against the simulator over HTTP.</summary>
public sealed class SimulatorProtocolTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.System, "be brief"), new(ChatRole.User, "what is up")];
    private const string ExpectedAnswer = "Simulated answer to: what is up";

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task RealClient_GetsTheDeterministicAnswer_WithUsage(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var client = CreateRealClient(simulator);

        var response = await client.GetResponseAsync(Prompt);

        Assert.Equal(ExpectedAnswer, response.Text);
        Assert.Equal(simulator.Model, response.ModelId);
        Assert.Equal(5, response.Usage?.InputTokenCount);
        Assert.Equal(6, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task RealClient_Streams_ChunkByChunk_EndingWithUsage(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var client = CreateRealClient(simulator);

        var updates = await client.GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal(6, updates.Count(u => u.Text.Length > 0));
        var response = updates.ToChatResponse();
        Assert.Equal(ExpectedAnswer, response.Text);
        Assert.Equal(6, response.Usage?.OutputTokenCount);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task MaxTokens_TruncatesTheAnswer_WithFinishReasonLength(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var client = CreateRealClient(simulator);

        var response = await client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 2 });

        Assert.Equal("Simulated answer", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task OpenAI_UnknownModel_Is404_AsOpenAIAnswers()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        using var client = CreateRealClient(simulator, model: "gpt-nonexistent");

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(404, ex.Status);
    }

    [Fact]
    public async Task Ollama_ListsItsModel_AndVersion()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var ollama = new OllamaSharp.OllamaApiClient(simulator.CreateHttpClient(), simulator.Model);

        var models = await ollama.ListLocalModelsAsync();
        var version = await ollama.GetVersionAsync();

        Assert.Equal([simulator.Model], models.Select(m => m.Name));
        Assert.False(string.IsNullOrEmpty(version?.ToString()));
    }

    [Fact]
    public async Task OpenAI_ListsItsModel()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        var models = new OpenAI.Models.OpenAIModelClient(new ApiKeyCredential("test"), new OpenAI.OpenAIClientOptions { Endpoint = simulator.ProviderEndpoint });

        var listed = await models.GetModelsAsync();

        Assert.Equal([simulator.Model], listed.Value.Select(m => m.Id));
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI, "/v1/chat/completions")]
    [InlineData(SimulatorProtocol.Ollama, "/api/chat")]
    public async Task MissingMessages_Is400_NamingTheField(SimulatorProtocol protocol, string path)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var http = simulator.CreateHttpClient();

        var response = await http.PostAsJsonAsync(path, new { model = simulator.Model });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("messages", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI, false)]
    [InlineData(SimulatorProtocol.Ollama, false)]
    [InlineData(SimulatorProtocol.OpenAI, true)]
    [InlineData(SimulatorProtocol.Ollama, true)]
    public async Task AskedToContinueAPartialAnswer_TheRealClientGetsTheRestOfIt(SimulatorProtocol protocol, bool streaming)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var client = CreateRealClient(simulator);
        ChatMessage[] continuation = [.. Prompt, new(ChatRole.Assistant, "Simulated ans"), new(ChatRole.User, ContinuationPrompt.Instruction)];

        var response = streaming
            ? (await client.GetStreamingResponseAsync(continuation).ToListAsync()).ToChatResponse()
            : await client.GetResponseAsync(continuation);

        Assert.Equal("wer to: what is up", response.Text);
        Assert.Equal(5, response.Usage?.OutputTokenCount); // "wer ", "to: ", "what ", "is ", "up"

        // Not a continuation: the assistant text is no prefix of the answer, or the last message asks for nothing of the kind.
        Assert.Equal("Simulated answer to: please continue", (await client.GetResponseAsync([.. Prompt, new(ChatRole.Assistant, "Other words"), new(ChatRole.User, "please continue")])).Text);
        Assert.Equal("Simulated answer to: go on", (await client.GetResponseAsync([.. Prompt, new(ChatRole.Assistant, "Simulated"), new(ChatRole.User, "go on")])).Text);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task OfferedATool_TheRealClientGetsOneWholeCallToIt_StreamingOrNot(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var client = CreateRealClient(simulator);
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string question) => question, "lookup")] };

        foreach (var response in new[] { await client.GetResponseAsync(Prompt, options), (await client.GetStreamingResponseAsync(Prompt, options).ToListAsync()).ToChatResponse() })
        {
            var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal("lookup", call.Name);
            Assert.Equal("what is up", call.Arguments?["question"]?.ToString());
        }
    }

    internal static IChatClient CreateRealClient(SimulatorServer simulator, string? model = null) =>
        ProviderChatClientFactory.Create(
            new ProviderOptions
            {
                Name = "test",
                Kind = simulator.Kind,
                Endpoint = simulator.ProviderEndpoint,
                Model = model ?? simulator.Model,
                ApiKey = "sk-test-key",
            },
            new HttpClient());
}
