using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience;

/// <summary>The breaker middleware: what it reports for each way an attempt ends, and how it cuts trials short.</summary>
public sealed class CircuitBreakerChatClientTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private static readonly TimeSpan Threshold = SlowCallOptions.DefaultMinThreshold;

    private readonly TimerCountingFakeTimeProvider _time = new();
    private readonly CircuitBreaker _breaker;

    public CircuitBreakerChatClientTests()
    {
        _breaker = new CircuitBreaker("p", new CircuitBreakerOptions(), _time);
    }

    [Fact]
    public async Task AHalfOpenTrialWithoutAFirstToken_IsCutOffAtTheSlowCallThreshold_AndReopensTheCircuit()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);

        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1 && _time.TimersCreated >= 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, Threshold);

        var ex = await Assert.ThrowsAsync<AttemptTimeoutException>(() => pending);
        Assert.Equal(Threshold, ex.Timeout);
        Assert.Equal(CircuitState.Open, _breaker.State);
    }

    [Fact]
    public async Task AnOrdinaryCall_IsNotCutOffAtTheThreshold()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);

        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAny(pending, Task.Delay(50));

        Assert.False(pending.IsCompleted);
        Assert.Equal(0, _time.TimersCreated);
    }

    [Fact]
    public async Task ACallerGivingUpOnAStalledStream_IsCountedAsAFailure()
    {
        using var cts = new CancellationTokenSource();
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);
        var pending = client.GetStreamingResponseAsync(Prompt, cancellationToken: cts.Token).ToListAsync(cts.Token).AsTask();
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);

        _time.Advance(TimeSpan.FromSeconds(5));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        var snapshot = _breaker.GetSnapshot();
        Assert.Equal((1, 1L), (snapshot.ConsecutiveFailures, snapshot.Failures));
        Assert.True(snapshot.Stalled);
    }

    [Fact]
    public async Task ACallerGivingUpBeforeTheThreshold_IsNotCounted()
    {
        using var cts = new CancellationTokenSource();
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);
        var pending = client.GetStreamingResponseAsync(Prompt, cancellationToken: cts.Token).ToListAsync(cts.Token).AsTask();
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);

        _time.Advance(Threshold - TimeSpan.FromMilliseconds(1));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(0, _breaker.GetSnapshot().Failures);
        Assert.False(_breaker.GetSnapshot().Stalled);
    }

    [Fact]
    public async Task TheFirstToken_IsLearnt_AsTheProvidersTimeToFirstToken()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => AfterDelay(token, TimeSpan.FromMilliseconds(700)) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);

        // The first call warms up; the second is learnt.
        for (var i = 0; i < 2; i++)
        {
            await FakeTime.RunAsync(_time, client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask(), TimeSpan.FromMilliseconds(100));
        }

        var snapshot = _breaker.GetSnapshot();
        Assert.Equal(700, snapshot.TimeToFirstToken!.Value.TotalMilliseconds);
        Assert.Equal(2, snapshot.Successes);
    }

    [Fact]
    public async Task ARejectedRequest_IsNotCounted_AndDoesNotTakeTheTrial()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        var client = new CircuitBreakerChatClient(TestChatClient.Throwing(new HttpRequestException("bad", null, HttpStatusCode.BadRequest)), TestHealth.WriterOf(_breaker, _time), _breaker, _time);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask());

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.True(_breaker.WouldPermit(), "the next call is the trial");
        var snapshot = _breaker.GetSnapshot();
        Assert.Equal((0L, 0L), (snapshot.Successes, snapshot.Failures));
    }

    [Fact]
    public async Task RefusingDuringAHalfOpenTrial_SaysSo_NotIsolated()
    {
        Open();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(_breaker.TryEnter(out _));
        var client = new CircuitBreakerChatClient(TestChatClient.Answering("unused"), TestHealth.WriterOf(_breaker, _time), _breaker, _time);

        var ex = await Assert.ThrowsAsync<CircuitOpenException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal("circuit half-open (trial in progress)", ex.Reason);
        Assert.Equal("circuit half-open (trial in progress)", ProviderErrorClassifier.Describe(ex));
        Assert.DoesNotContain("isolated", ex.Message);
    }

    [Fact]
    public async Task AStreamStillWaitingForItsFirstToken_IsGivenUp_WhenTheCircuitIsIsolated()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => Silence(token) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);
        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => inner.Calls == 1);

        _breaker.Isolate("monitor reported provider_down");

        var ex = await Assert.ThrowsAsync<AttemptIsolatedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("p", ex.Provider);
        Assert.False(ProviderErrorClassifier.IsTransient(ex), "retrying would only meet the isolated circuit");
        Assert.Equal("given up: circuit isolated while waiting for the first token", ProviderErrorClassifier.Describe(ex));
        Assert.Equal(CircuitState.Isolated, _breaker.State);
    }

    [Fact]
    public async Task ANonStreamingCallStillWaiting_IsGivenUp_WhenTheCircuitIsIsolated()
    {
        var entered = new TaskCompletionSource();
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                entered.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return new ChatResponse();
            },
        };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);
        var pending = client.GetResponseAsync(Prompt);
        await entered.Task;

        _breaker.Isolate("monitor reported provider_down");

        await Assert.ThrowsAsync<AttemptIsolatedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AnAnswerAlreadyFlowing_IsNotCut_WhenTheCircuitIsIsolated()
    {
        var rest = new TaskCompletionSource();
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => FirstThenRest(rest.Task, token) };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);
        await using var stream = client.GetStreamingResponseAsync(Prompt).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        _breaker.Isolate("monitor reported provider_down");
        rest.SetResult();

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("the rest", stream.Current.Text);
        Assert.False(await stream.MoveNextAsync());
    }

    [Fact]
    public async Task AStreamEndingWithoutAnyEvent_IsAMalformedResponse_AndAFailure()
    {
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => AsyncEnumerable.Empty<ChatResponseUpdate>() };
        var client = new CircuitBreakerChatClient(inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);

        var ex = await Assert.ThrowsAsync<MalformedResponseException>(() => client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask());

        Assert.Equal("malformed response: the stream ended without any event", ProviderErrorClassifier.Describe(ex));
        Assert.Equal(1, _breaker.GetSnapshot().Failures);
        Assert.Equal(0, _breaker.GetSnapshot().Successes);
    }

    [Fact]
    public async Task ACallThatEndedBeforeTheIsolation_IsNotTouchedByIt()
    {
        var client = new CircuitBreakerChatClient(TestChatClient.Answering("done"), TestHealth.WriterOf(_breaker, _time), _breaker, _time);
        var response = await client.GetResponseAsync(Prompt);

        _breaker.Isolate("monitor reported provider_down");

        Assert.Equal("done", response.Text);
        Assert.Equal(1, _breaker.GetSnapshot().Successes);
    }

    private void Open()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.True(_breaker.TryEnter(out var permit));
            _breaker.RecordFailure(permit);
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Silence([EnumeratorCancellation] CancellationToken token)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, token);
        yield break;
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FirstThenRest(Task rest, [EnumeratorCancellation] CancellationToken token)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first ");
        await rest.WaitAsync(token);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "the rest");
    }

    private async IAsyncEnumerable<ChatResponseUpdate> AfterDelay([EnumeratorCancellation] CancellationToken token, TimeSpan delay)
    {
        await Task.Delay(delay, _time, token);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "late but fine");
    }
}
