using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience;

/// <summary>The breaker middleware after a stream's first token: it cuts a silent stream at the inter-chunk limit,
/// counts the stall however the wait ends, and learns each provider's pace. Fake time throughout.</summary>
public sealed class CircuitBreakerChatClientStallTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];

    // Before anything is learnt, the limit is the ceiling.
    private static readonly TimeSpan Limit = SlowCallOptions.DefaultInterChunkMaxLimit;

    private readonly TimerCountingFakeTimeProvider _time = new();
    private readonly CircuitBreaker _breaker;
    private readonly CircuitBreakerChatClient _client;
    private readonly TestChatClient _inner = new();

    public CircuitBreakerChatClientStallTests()
    {
        _breaker = new CircuitBreaker("p", new CircuitBreakerOptions(), _time);
        _client = new CircuitBreakerChatClient(_inner, TestHealth.WriterOf(_breaker, _time), _breaker, _time);
    }

    [Fact]
    public async Task AStreamSilentAfterItsFirstToken_IsCutAtTheInterChunkLimit_AsAStall()
    {
        _inner.GetStreamingResponseAsyncCallback = (_, _, token) => FirstThenSilence(token);

        var pending = _client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => _time.TimersCreated == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, Limit);

        var ex = await Assert.ThrowsAsync<StreamStalledException>(() => pending);
        Assert.Equal(Limit, ex.Limit);
        Assert.Equal(ProviderErrorKind.ProviderFault, ProviderErrorClassifier.Classify(ex));
        Assert.False(ProviderErrorClassifier.IsTransient(ex));
        var snapshot = _breaker.GetSnapshot();
        Assert.Equal((1, 1L), (snapshot.ConsecutiveFailures, snapshot.Failures));
        Assert.True(snapshot.Stalled);
        Assert.Equal(_time.GetUtcNow(), snapshot.LastStall);
    }

    [Fact]
    public async Task AHealthyStream_UsesOneTimerForAllItsChunks()
    {
        var (second, end) = (new TaskCompletionSource(), new TaskCompletionSource());
        _inner.GetStreamingResponseAsyncCallback = (_, _, _) => FirstThenWait(second.Task, end.Task);
        var pending = _client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => _time.TimersCreated == 1);
        second.SetResult();
        end.SetResult();

        Assert.Equal(2, (await pending).Count);
        Assert.Equal(1, _time.TimersCreated);
        Assert.Equal(1, _breaker.GetSnapshot().Successes);
    }

    [Fact]
    public async Task ACallerGivingUpBeforeTheLimit_IsNotCounted()
    {
        using var cts = new CancellationTokenSource();
        _inner.GetStreamingResponseAsyncCallback = (_, _, token) => FirstThenSilence(token);

        var pending = _client.GetStreamingResponseAsync(Prompt, cancellationToken: cts.Token).ToListAsync(cts.Token).AsTask();
        await FakeTime.WaitUntilAsync(() => _time.TimersCreated == 1);
        _time.Advance(Limit - TimeSpan.FromMilliseconds(1));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        var snapshot = _breaker.GetSnapshot();
        Assert.Equal(0, snapshot.Failures);
        Assert.False(snapshot.Stalled);
        Assert.Null(snapshot.LastStall);
    }

    [Fact]
    public async Task ACallerGivingUpAfterTheLimit_StillCountsTheStall_AndKeepsItsCancellation()
    {
        // A provider that ignores the cut: only the caller ends the wait.
        using var cts = new CancellationTokenSource();
        var gate = new TaskCompletionSource();
        _inner.GetStreamingResponseAsyncCallback = (_, _, _) => FirstThenWait(gate.Task);

        var pending = _client.GetStreamingResponseAsync(Prompt, cancellationToken: cts.Token).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => _time.TimersCreated == 1);
        _time.Advance(Limit + TimeSpan.FromSeconds(5));
        cts.Cancel();
        gate.SetException(new OperationCanceledException(cts.Token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        var snapshot = _breaker.GetSnapshot();
        Assert.Equal(1, snapshot.Failures);
        Assert.True(snapshot.Stalled);
    }

    [Fact]
    public async Task UpdatesWithoutContent_DoNotResetTheLimit()
    {
        // Every 4 s an update without content (an empty delta, usage): the provider is not producing its answer.
        _inner.GetStreamingResponseAsyncCallback = (_, _, token) => FirstThenEmptyUpdates(token, TimeSpan.FromSeconds(4));
        var started = _time.GetUtcNow();

        var pending = _client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<StreamStalledException>(() => FakeTime.RunAsync(_time, pending, TimeSpan.FromMilliseconds(500), maxSteps: 100));

        // Fake time moves in steps while the code under test runs: the cut comes at the limit, give or take a few steps.
        Assert.InRange(_time.GetUtcNow() - started, Limit, Limit + TimeSpan.FromSeconds(2));
        Assert.Equal(1, _breaker.GetSnapshot().Failures);
    }

    [Fact]
    public async Task ASlowReader_IsNeverTakenForAStalledProvider()
    {
        var second = new TaskCompletionSource();
        _inner.GetStreamingResponseAsyncCallback = (_, _, _) => FirstThenWait(second.Task);

        await using var stream = _client.GetStreamingResponseAsync(Prompt).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());

        // The reader holds the first update far longer than the limit, then asks for more; the provider answers soon.
        _time.Advance(Limit * 3);
        var next = stream.MoveNextAsync().AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        second.SetResult();

        Assert.True(await next);
        Assert.False(await stream.MoveNextAsync());
        var snapshot = _breaker.GetSnapshot();
        Assert.Equal((1L, 0L), (snapshot.Successes, snapshot.Failures));
        Assert.False(snapshot.Stalled);
    }

    [Fact]
    public async Task EachStreamsLongestWait_IsLearnt_AndSetsTheLimit()
    {
        // The first stream warms up; the second is learnt. Gaps of 0.5 s, then 1.2 s before the stream ends: its longest
        // wait is 1.2 s, so the limit becomes 4 × 1.2 s.
        for (var i = 0; i < 2; i++)
        {
            var (second, end) = (new TaskCompletionSource(), new TaskCompletionSource());
            _inner.GetStreamingResponseAsyncCallback = (_, _, _) => FirstThenWait(second.Task, end.Task);
            await using var stream = _client.GetStreamingResponseAsync(Prompt).GetAsyncEnumerator();
            Assert.True(await stream.MoveNextAsync());

            // Each MoveNextAsync returns once the middleware waits on the provider: the clock then moves by a known gap.
            var next = stream.MoveNextAsync().AsTask();
            _time.Advance(TimeSpan.FromMilliseconds(500));
            second.SetResult();
            Assert.True(await next);

            next = stream.MoveNextAsync().AsTask();
            _time.Advance(TimeSpan.FromMilliseconds(1200));
            end.SetResult();
            Assert.False(await next);
        }

        var snapshot = _breaker.GetSnapshot();
        Assert.Equal(TimeSpan.FromMilliseconds(4800), snapshot.InterChunkLimit);
        Assert.Equal(2L, snapshot.Successes);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FirstThenSilence([EnumeratorCancellation] CancellationToken token)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first ");
        await Task.Delay(Timeout.InfiniteTimeSpan, token);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FirstThenWait(Task gate)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first ");
        await gate;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "the rest");
    }

    private async IAsyncEnumerable<ChatResponseUpdate> FirstThenEmptyUpdates([EnumeratorCancellation] CancellationToken token, TimeSpan every)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first ");
        while (true)
        {
            await Task.Delay(every, _time, token);
            yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails())] };
            yield return new ChatResponseUpdate(ChatRole.Assistant, string.Empty);
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FirstThenWait(Task second, Task end)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "one ");
        await second;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "two");
        await end;
    }
}
