using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;
using static SentinelOps.Tests.TestDoubles.TestProviders;

namespace SentinelOps.Tests.Gateway.Routing;

/// <summary>The failover client with continuation on, over fake providers: what the next provider is sent, and what the caller gets.</summary>
public sealed class StreamContinuationTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.System, "be brief"), new(ChatRole.User, "hi")];

    [Fact]
    public async Task ABrokenStream_IsContinuedByTheNextProvider_SentTheMessagesThePartialTextAndTheInstruction()
    {
        var first = Streaming(Updates(["Hel", "lo "], new IOException("connection reset")));
        List<ChatMessage>? sent = null;
        ChatOptions? sentOptions = null;
        var second = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (messages, options, _) =>
            {
                (sent, sentOptions) = ([.. messages], options);
                return Updates(["wor", "ld"]);
            },
        };
        var options = new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 50 };

        var updates = await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt, options).ToListAsync();

        Assert.Equal("Hello world", string.Concat(updates.Select(u => u.Text)));
        Assert.NotNull(sent);
        Assert.Equal(
            [(ChatRole.System, "be brief"), (ChatRole.User, "hi"), (ChatRole.Assistant, "Hello "), (ChatRole.User, ContinuationPrompt.Instruction)],
            sent.Select(m => (m.Role, m.Text)));
        Assert.Same(options, sentOptions);
        Assert.Equal(1, first.Calls);
    }

    [Fact]
    public async Task TheFirstUpdateOfTheContinuation_MarksTheSwitch_AndCarriesTheFinalRouting()
    {
        var first = Streaming(Updates(["one "], new StreamStalledException(TimeSpan.FromSeconds(3))));
        var second = TestChatClient.Answering("two three");

        var updates = await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("a", ProviderRouting.From(updates[0].AdditionalProperties)!.Provider);
        var switched = Assert.Single(updates, u => StreamContinued.From(u.AdditionalProperties) is not null);
        Assert.Equal("two", switched.Text);
        Assert.Equal(new StreamContinued("b", "a", "stall"), StreamContinued.From(switched.AdditionalProperties));
        var routing = ProviderRouting.From(switched.AdditionalProperties)!;
        Assert.Equal("b", routing.Provider);
        Assert.Equal("mid-stream: stream stalled: no chunk within 3 s after the first token", Assert.Single(routing.Failures).Error);
        Assert.Equal(": x-sentinel continued provider=b after=a reason=stall", StreamContinued.From(switched.AdditionalProperties)!.SseComment);
    }

    [Fact]
    public async Task TheContinuation_TakesTheFirstPartsId_AndTheUsageOfBothPartsIsAddedUp()
    {
        var first = Streaming(Updates(["one ", "two "], new IOException("reset"), responseId: "first"));
        var second = Streaming(Continuation("second"));

        var updates = await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("one two three", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Equal("first", u.ResponseId));
        Assert.DoesNotContain(updates, u => u.RawRepresentation is not null);

        // The first part's two chunks (its own count never came) and the second part's own figures.
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal((10L, 3L, 13L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
    }

    [Fact]
    public async Task WhenAContinuationFails_TheNextProviderIsTried_EachOnce_AndWithNoneLeftTheStreamEndsWithTheError()
    {
        var first = Streaming(Updates(["one "], new IOException("reset")));
        var second = TestChatClient.Throwing(new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable));
        var third = Streaming(Updates([], new IOException("reset too")));
        var received = new List<string>();

        var ex = await Assert.ThrowsAsync<ProviderStreamInterruptedException>(async () =>
        {
            await foreach (var update in Client(("a", first), ("b", second), ("c", third)).GetStreamingResponseAsync(Prompt))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(["one "], received);
        Assert.Equal("a", ex.Failure.Provider);
        Assert.Equal(["a", "b", "c"], ex.Failures.Select(f => f.Provider));
        Assert.Equal("HTTP 503 (ServiceUnavailable)", ex.Failures[1].Error);
        Assert.Equal((1, 1, 1), (first.Calls, second.Calls, third.Calls));
    }

    [Fact]
    public async Task AContinuationThatAlsoBreaks_IsContinuedInTurn_WithTheTextOfBothParts()
    {
        var first = Streaming(Updates(["one "], new IOException("reset")));
        var second = Streaming(Updates(["two "], new IOException("reset")));
        List<ChatMessage>? sentToThird = null;
        var third = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (messages, _, _) =>
            {
                sentToThird = [.. messages];
                return Updates(["three"]);
            },
        };

        var updates = await Client(("a", first), ("b", second), ("c", third)).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("one two three", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("one two ", sentToThird![^2].Text);
        var routing = ProviderRouting.From(updates.Last(u => ProviderRouting.From(u.AdditionalProperties) is not null).AdditionalProperties)!;
        Assert.Equal("c", routing.Provider);
        Assert.Equal(["a", "b"], routing.Failures.Select(f => f.Provider));
    }

    [Fact]
    public async Task ALongPartialAnswer_IsSentToTheNextProviderWhole()
    {
        // Over a thousand characters, so the delivered text outgrows its buffer several times before the break.
        string[] chunks = [.. Enumerable.Range(0, 200).Select(i => $"word{i} ")];
        var first = Streaming(Updates(chunks, new IOException("reset")));
        List<ChatMessage>? sent = null;
        var second = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (messages, _, _) =>
            {
                sent = [.. messages];
                return Updates(["end"]);
            },
        };

        var updates = await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal(string.Concat(chunks), sent![^2].Text);
        Assert.Equal(string.Concat(chunks) + "end", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task AStreamIsNeverSplicedAfterAToolCallReachedTheCaller()
    {
        var call = new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["q"] = "x" })]);
        var first = Streaming(Then(Updates(["Let me look. "]), call, new IOException("reset")));
        var second = TestChatClient.Answering("never");

        var ex = await Assert.ThrowsAsync<ProviderStreamInterruptedException>(async () => await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync());

        Assert.Equal("a", ex.Failure.Provider);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task TextFollowedByAToolCallStillUnderWay_IsContinuedAsText()
    {
        // The call's fragments never reached the caller (no FunctionCallContent yet): only the text is continued.
        var fragment = new ChatResponseUpdate { Role = ChatRole.Assistant };
        var first = Streaming(Then(Updates(["Let me look. "]), fragment, new IOException("reset")));
        List<ChatMessage>? sent = null;
        var second = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (messages, _, _) =>
            {
                sent = [.. messages];
                return Updates(["Done."]);
            },
        };

        var updates = await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("Let me look. Done.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("Let me look. ", sent![^2].Text);
    }

    [Fact]
    public async Task AStreamBrokenInsideAToolCall_BeforeAnyContent_IsFailedOverWhole_NotContinued()
    {
        // What Microsoft.Extensions.AI's OpenAI client yields for tool-call fragments: updates without content.
        var fragment = new ChatResponseUpdate { Role = ChatRole.Assistant };
        var first = Streaming(Then(Updates([]), fragment, new IOException("reset")));
        List<ChatMessage>? sent = null;
        var second = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (messages, _, _) =>
            {
                sent = [.. messages];
                return Updates(["fresh"]);
            },
        };

        var updates = await Client(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("fresh", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(Prompt.Select(m => m.Text), sent!.Select(m => m.Text));
        Assert.DoesNotContain(updates, u => StreamContinued.From(u.AdditionalProperties) is not null);
    }

    [Fact]
    public async Task TheRequestCanTurnContinuationOff_WithItsHeader()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[StreamContinuationSwitch.HeaderName] = "OFF";
        Assert.True(StreamContinuationSwitch.TryApply(context.Request));
        var second = TestChatClient.Answering("never");

        await Assert.ThrowsAsync<ProviderStreamInterruptedException>(async () =>
            await Client(("a", Streaming(Updates(["one "], new IOException("reset")))), ("b", second)).GetStreamingResponseAsync(Prompt).ToListAsync());

        Assert.Equal(0, second.Calls);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("on", true)]
    [InlineData(" Off ", true)]
    [InlineData("no", false)]
    [InlineData("", false)]
    public void TheHeader_IsOnOrOff(string? value, bool valid)
    {
        var context = new DefaultHttpContext();
        if (value is not null)
        {
            context.Request.Headers[StreamContinuationSwitch.HeaderName] = value;
        }

        Assert.Equal(valid, StreamContinuationSwitch.TryApply(context.Request));
    }

    [Fact]
    public async Task TheWaitForAContinuationsFirstContent_IsBoundedByTheRequestTimeout()
    {
        var time = new FakeTimeProvider();
        var first = Streaming(Updates(["one "], new IOException("reset")));
        var waiting = new TaskCompletionSource();
        var second = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, ct) => Hang(waiting, ct) };
        ProviderClient[] providers = [Unguarded("a", first), Unguarded("b", second)];
        var client = new ProviderFailoverChatClient(providers, TestHealth.Of(providers, time), TimeSpan.FromSeconds(30), time, continueStreams: true);

        var stream = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await FakeTime.AssertCompletesAfterAsync(time, stream, TimeSpan.FromSeconds(30));

        var ex = await Assert.ThrowsAsync<ProviderStreamInterruptedException>(() => stream);
        Assert.Equal("no content within the request deadline (30 s)", ex.Failures[^1].Error);
    }

    private static ProviderFailoverChatClient Client(params (string Name, IChatClient Client)[] providers)
    {
        ProviderClient[] clients = [.. providers.Select(p => Unguarded(p.Name, p.Client))];
        return new(clients, TestHealth.Of(clients), TimeSpan.FromMinutes(1), TimeProvider.System, continueStreams: true);
    }

    private static TestChatClient Streaming(IAsyncEnumerable<ChatResponseUpdate> updates) =>
        new() { GetStreamingResponseAsyncCallback = (_, _, _) => updates };

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(IEnumerable<string> chunks, Exception? thenThrow = null, string? responseId = null)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, chunk) { ResponseId = responseId };
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Then(IAsyncEnumerable<ChatResponseUpdate> before, ChatResponseUpdate update, Exception thenThrow)
    {
        await foreach (var earlier in before)
        {
            yield return earlier;
        }

        yield return update;
        throw thenThrow;
    }

    // A provider's own continuation: its id, a role-only preamble, text, the finish and its usage.
    private static async IAsyncEnumerable<ChatResponseUpdate> Continuation(string responseId)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = responseId, RawRepresentation = "raw" };
        yield return new ChatResponseUpdate(ChatRole.Assistant, "three") { ResponseId = responseId, RawRepresentation = "raw" };
        yield return new ChatResponseUpdate { ResponseId = responseId, FinishReason = ChatFinishReason.Stop };
        yield return new ChatResponseUpdate(null, [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1, TotalTokenCount = 11 })]) { ResponseId = responseId };
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Hang(TaskCompletionSource waiting, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        waiting.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
