using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SentinelOps.Benchmarks;

/// <summary>
/// A provider that answers at once, without a network: a stream shaped like the OpenAI client's (a role-only opening,
/// three text chunks, the finish reason, the usage figures), made fresh for every call as a real client would.
/// </summary>
internal sealed class FakeProviderChatClient : IChatClient
{
    private static readonly DateTimeOffset Created = DateTimeOffset.UnixEpoch;
    private static readonly string[] Chunks = ["Simulated", " answer to:", " hello benchmark"];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The gateway asks every provider for a stream.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield return Update([new TextContent(string.Empty)]);
        foreach (var chunk in Chunks)
        {
            yield return Update([new TextContent(chunk)]);
        }

        var finish = Update([]);
        finish.FinishReason = ChatFinishReason.Stop;
        yield return finish;
        yield return Update([new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 5, TotalTokenCount = 8 })]);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static ChatResponseUpdate Update(IList<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = "chatcmpl-bench",
        MessageId = "chatcmpl-bench",
        ModelId = "sim-gpt-4o-mini",
        CreatedAt = Created,
    };
}
