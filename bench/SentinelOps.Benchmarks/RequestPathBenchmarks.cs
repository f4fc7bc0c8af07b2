using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Apis.OpenAi;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Benchmarks;

/// <summary>
/// One healthy request through the gateway, in process, over a provider that answers at once: what the gateway
/// itself costs per request (time and allocated bytes), from the chat client pipeline up to the OpenAI endpoint.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private static readonly byte[] JsonBody = Encoding.UTF8.GetBytes(
        """{"model":"any","messages":[{"role":"user","content":"hello benchmark"}]}""");

    private static readonly byte[] StreamingBody = Encoding.UTF8.GetBytes(
        """{"model":"any","stream":true,"messages":[{"role":"user","content":"hello benchmark"}]}""");

    private readonly ChatMessage[] _messages = [new(ChatRole.User, "hello benchmark")];
    private readonly FakeProviderChatClient _provider = new();
    private readonly IOptions<RequestLimitsOptions> _limits = Options.Create(new RequestLimitsOptions());
    private GatewayPipeline _gateway = null!;

    [GlobalSetup]
    public void Setup() => _gateway = new GatewayPipeline();

    [GlobalCleanup]
    public void Cleanup()
    {
        // A failure anywhere would have opened the circuit or counted against it: the numbers are a healthy path's.
        if (_gateway.Breaker.GetSnapshot() is not { State: CircuitState.Closed, ConsecutiveFailures: 0 })
        {
            throw new InvalidOperationException("The benchmark's provider failed: its circuit is no longer closed and clean.");
        }

        _gateway.Dispose();
    }

    /// <summary>The fake provider alone: its updates are the floor under every other row.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> FakeProviderAlone()
    {
        var count = 0;
        await foreach (var _ in _provider.GetStreamingResponseAsync(_messages))
        {
            count++;
        }

        return count;
    }

    /// <summary>A non-streaming request: the gateway asks the provider for a stream and assembles the answer.</summary>
    [Benchmark]
    public async Task<ChatResponse> PipelineNonStreaming() =>
        await _gateway.Client.GetResponseAsync(_messages, new ChatOptions());

    /// <summary>A streaming request, read to its end.</summary>
    [Benchmark]
    public async Task<int> PipelineStreaming()
    {
        var count = 0;
        await foreach (var _ in _gateway.Client.GetStreamingResponseAsync(_messages, new ChatOptions()))
        {
            count++;
        }

        return count;
    }

    /// <summary>Reading and validating an OpenAI request body.</summary>
    [Benchmark]
    public object? OpenAiReadRequest() => ChatCompletionRequestReader.Read(JsonBody, _limits.Value).Request;

    /// <summary><c>POST /v1/chat/completions</c> without <c>stream</c>: read, pipeline, JSON answer written.</summary>
    [Benchmark]
    public Task OpenAiEndpointJson() => CallEndpointAsync(JsonBody);

    /// <summary><c>POST /v1/chat/completions</c> with <c>stream: true</c>: read, pipeline, server-sent events written.</summary>
    [Benchmark]
    public Task OpenAiEndpointStreaming() => CallEndpointAsync(StreamingBody);

    private async Task CallEndpointAsync(byte[] body)
    {
        var context = new DefaultHttpContext { RequestServices = _gateway.Services };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Response.Body = Stream.Null;
        var result = await OpenAiApi.CreateChatCompletionAsync(context, _gateway.Client, _limits);
        await result.ExecuteAsync(context);
        if (context.Response.StatusCode != StatusCodes.Status200OK)
        {
            throw new InvalidOperationException($"The endpoint answered {context.Response.StatusCode}.");
        }
    }
}
