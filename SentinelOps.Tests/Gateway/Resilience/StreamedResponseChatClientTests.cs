using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience;

/// <summary>Non-streaming requests travel as streams, so a hang is caught at the time-to-first-token limit.</summary>
public sealed class StreamedResponseChatClientTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];

    private readonly TimerCountingFakeTimeProvider _time = new();
    private readonly AttemptTimeoutOptions _options = new() { Attempt = TimeSpan.FromSeconds(30), TimeToFirstToken = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task ANonStreamingRequest_ToAHungProvider_FailsAtTheTimeToFirstTokenLimit_NotTheWholeAnswerLimit()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var client = Pipeline(inner);

        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => pending);
        Assert.Equal(TimeSpan.FromSeconds(2), ex.Timeout);
        Assert.Equal("no first token within 2 s", ex.Message);
    }

    [Fact]
    public async Task AnAnswerThatKeepsComing_IsBoundedAsAWhole_ByTheAttemptLimit()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Trickle(token, TimeSpan.FromSeconds(1), count: 100) };
        var client = Pipeline(inner);

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => FakeTime.RunAsync(_time, client.GetResponseAsync(Prompt), TimeSpan.FromMilliseconds(250)));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.Timeout);
        Assert.Equal("no response within 30 s", ex.Message);
    }

    [Fact]
    public async Task TheWholeAnswerLimit_CountsFromTheCallsStart_ButIsArmedByTheFirstContent()
    {
        // First content after 20 s (within the 25 s first-token limit), then a chunk a second: cut at 30 s in all.
        var options = new AttemptTimeoutOptions { Attempt = TimeSpan.FromSeconds(30), TimeToFirstToken = TimeSpan.FromSeconds(25) };
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Trickle(token, TimeSpan.FromSeconds(20), count: 1, then: TimeSpan.FromSeconds(1)) };
        var client = new StreamedResponseChatClient(new AttemptTimeoutChatClient(inner, options, _time), options, _time);

        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);

        // The first content comes at 20 s; let it be consumed before the clock passes the 25 s first-token limit,
        // or one jump past both would fire that limit first.
        _time.Advance(TimeSpan.FromSeconds(20));
        await Task.WhenAny(pending, Task.Delay(200));
        Assert.False(pending.IsCompleted);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => pending);
        Assert.False(ex.Message.Contains("first token", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public async Task TheAssembledAnswer_KeepsText_Usage_FinishReason_AndModel()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Answer() };

        var response = await Pipeline(inner).GetResponseAsync(Prompt);

        Assert.Equal("Hello there", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("m-1", response.ModelId);
        Assert.Equal((3, 2, 5), (response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, response.Usage?.TotalTokenCount));
        Assert.Equal(0, inner.NonStreamingCalls);
    }

    [Fact]
    public async Task CallerCancellation_StaysACancellation()
    {
        using var cts = new CancellationTokenSource();
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var pending = Pipeline(inner).GetResponseAsync(Prompt, cancellationToken: cts.Token);

        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.IsNotType<AttemptTimeoutException>(ex);
    }

    [Fact]
    public async Task StreamingRequests_PassThroughUntouched()
    {
        var inner = TestChatClient.Answering("a b c");

        var updates = await new StreamedResponseChatClient(inner, _options, _time).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("abc", string.Concat(updates.Select(u => u.Text)));
    }

    // As the provider chain builds it: the whole answer bounded above, the first token below.
    private IChatClient Pipeline(IChatClient inner) =>
        new StreamedResponseChatClient(new AttemptTimeoutChatClient(inner, _options, _time), _options, _time);

    private static async IAsyncEnumerable<ChatResponseUpdate> Silence([EnumeratorCancellation] CancellationToken token)
    {
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant };
        await Task.Delay(Timeout.InfiniteTimeSpan, token);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Trickle([EnumeratorCancellation] CancellationToken token, TimeSpan gap, int count, TimeSpan? then = null)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(gap, _time, token);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "x");
        }

        while (then is { } next)
        {
            await Task.Delay(next, _time, token);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "y");
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Answer()
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello") { ModelId = "m-1", ResponseId = "r" };
        yield return new ChatResponseUpdate(ChatRole.Assistant, " there") { ModelId = "m-1", ResponseId = "r" };
        yield return new ChatResponseUpdate
        {
            ResponseId = "r",
            FinishReason = ChatFinishReason.Length,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 2, TotalTokenCount = 5 })],
        };
    }
}
