using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience;

public sealed class AttemptTimeoutChatClientTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new();
    private readonly AttemptTimeoutOptions _options = new() { Attempt = TimeSpan.FromSeconds(5), TimeToFirstToken = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task NonStreaming_AProviderThatNeverAnswers_TimesOutAsAProviderFailure()
    {
        var inner = Hanging();
        var client = new AttemptTimeoutChatClient(inner, _options, _time);

        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => pending);
        Assert.Equal("no response within 5 s", ex.Message);
    }

    [Fact]
    public async Task Streaming_NoFirstTokenInTime_TimesOut()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => SlowUpdates(token, TimeSpan.FromSeconds(3), "late") };
        var client = new AttemptTimeoutChatClient(inner, _options, _time);

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => FakeTime.RunAsync(_time, client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask(), Step));

        Assert.Equal(TimeSpan.FromSeconds(2), ex.Timeout);
    }

    [Fact]
    public async Task Streaming_AWholeAnswerLimitShorterThanTheFirstTokenLimit_BoundsTheFirstToken()
    {
        var options = new AttemptTimeoutOptions { Attempt = TimeSpan.FromSeconds(1), TimeToFirstToken = TimeSpan.FromSeconds(2) };
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => SlowUpdates(token, TimeSpan.FromSeconds(3), "late") };
        var client = new AttemptTimeoutChatClient(inner, options, _time);

        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => pending);
        Assert.Equal("no first token within 1 s", ex.Message);
    }

    [Fact]
    public async Task Streaming_AfterTheFirstToken_ASlowStreamIsLeftAlone()
    {
        var inner = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, token) => SlowUpdates(token, TimeSpan.FromSeconds(1), "a", "b", "c", "d", "e", "f", "g", "h"),
        };
        var client = new AttemptTimeoutChatClient(inner, _options, _time);

        var updates = await FakeTime.RunAsync(_time, client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask(), Step);

        Assert.Equal("abcdefgh", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Streaming_RoleOnlyPreambles_DoNotCountAsTheFirstToken()
    {
        var inner = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, token) => PreambleThenSilence(token),
        };
        var client = new AttemptTimeoutChatClient(inner, _options, _time);

        await Assert.ThrowsAsync<AttemptTimeoutException>(() => FakeTime.RunAsync(_time, client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask(), Step));
    }

    [Fact]
    public async Task CallerCancellation_StaysACancellation()
    {
        using var cts = new CancellationTokenSource();
        var client = new AttemptTimeoutChatClient(Hanging(), _options, _time);

        var pending = client.GetResponseAsync(Prompt, cancellationToken: cts.Token);
        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.IsNotType<AttemptTimeoutException>(ex);
    }

    private static TestChatClient Hanging() => new()
    {
        GetResponseAsyncCallback = async (_, _, token) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return new ChatResponse();
        },
    };

    private async IAsyncEnumerable<ChatResponseUpdate> SlowUpdates(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token, TimeSpan gap, params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Delay(gap, _time, token);
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk);
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> PreambleThenSilence(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant };
        yield return new ChatResponseUpdate(ChatRole.Assistant, string.Empty);
        await Task.Delay(Timeout.InfiniteTimeSpan, token);
    }
}
