using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A chat client whose behaviour each test supplies as callbacks (the Microsoft.Extensions.AI test pattern).</summary>
internal sealed class TestChatClient : IChatClient
{
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? GetStreamingResponseAsyncCallback { get; set; }

    public int Calls => _calls;

    /// <summary>
    /// Whether a call counts as sent to the provider (as the provider HttpClient's <see cref="ProviderRequestSentHandler"/>
    /// marks it); false stands for a request the SDK fails to build before sending.
    /// </summary>
    public bool ReachesProvider { get; init; } = true;

    /// <summary>Non-streaming calls only.</summary>
    public int NonStreamingCalls { get; private set; }

    private int _calls;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        NonStreamingCalls++;
        MarkSent();
        return GetResponseAsyncCallback!(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        MarkSent();
        return GetStreamingResponseAsyncCallback!(messages, options, cancellationToken);
    }

    private void MarkSent()
    {
        if (ReachesProvider)
        {
            ProviderCallScope.MarkRequestSent();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>A client that answers <paramref name="text"/>, both ways.</summary>
    public static TestChatClient Answering(string text) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))),
        GetStreamingResponseAsyncCallback = (_, _, _) => Updates(text.Split(' ')),
    };

    /// <summary>A client that throws <paramref name="exception"/>, both ways.</summary>
    public static TestChatClient Throwing(Exception exception) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(exception),
        GetStreamingResponseAsyncCallback = (_, _, _) => Throw(exception),
    };

    public static async IAsyncEnumerable<ChatResponseUpdate> Updates(IEnumerable<string> chunks, Exception? thenThrow = null)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk);
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Throw(Exception exception)
    {
        await Task.Yield();
        throw exception;
#pragma warning disable CS0162 // The yield makes this an iterator.
        yield break;
#pragma warning restore CS0162
    }
}
