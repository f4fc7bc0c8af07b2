using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Metrics;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Routing;

/// <summary>Time-to-first-token hedging through the failover client, on fake time: when a hedge starts, who wins, what
/// the loser costs its provider, and the budget.</summary>
public sealed class ProviderHedgerTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly TimerCountingFakeTimeProvider _time = new();
    private readonly RequestCounters _counters = new(["a", "b"]);

    [Fact]
    public async Task AHedgeStartsOnlyAfterTheDelay_AndTheFirstToSendContentWins()
    {
        var slow = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => ContentAfter(TimeSpan.FromSeconds(2), "slow", token) };
        var fast = TestChatClient.Answering("fast");
        var client = Client(Hedger(), ("a", slow), ("b", fast));

        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => slow.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, Delay);

        var updates = await pending;
        Assert.Equal("fast", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal((1, 1), (slow.Calls, fast.Calls));
        var routing = ProviderRouting.From(updates[0].AdditionalProperties)!;
        Assert.Equal("b", routing.Provider);
        Assert.True(routing.Hedged);
        Assert.False(routing.FailoverOccurred);
        Assert.Equal(1, Hedges());
    }

    [Fact]
    public async Task AProviderAnsweringWithinTheDelay_IsNeverHedged()
    {
        var quick = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => ContentAfter(TimeSpan.FromMilliseconds(150), "quick", token) };
        var other = TestChatClient.Answering("other");
        var client = Client(Hedger(), ("a", quick), ("b", other));

        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => quick.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, TimeSpan.FromMilliseconds(150));
        _time.Advance(TimeSpan.FromSeconds(1));

        var routing = ProviderRouting.From((await pending)[0].AdditionalProperties)!;
        Assert.Equal(("a", false), (routing.Provider, routing.Hedged));
        Assert.Equal(0, other.Calls);
        Assert.Equal(0, Hedges());
    }

    [Fact]
    public async Task TheLoserIsCancelledAtOnce_WhicheverItIs()
    {
        // The hedge wins: the slow provider's attempt is cancelled the moment the hedge's first content arrives.
        var slowToken = new TaskCompletionSource<CancellationToken>();
        var slow = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, token) =>
            {
                slowToken.TrySetResult(token);
                return ContentAfter(TimeSpan.FromMinutes(5), "slow", token);
            },
        };
        var client = Client(Hedger(), ("a", slow), ("b", TestChatClient.Answering("fast")));
        var hedgeWins = FirstUpdateAsync(client);
        await FakeTime.WaitUntilAsync(() => slow.Calls == 1);
        _time.Advance(Delay);
        Assert.Equal("b", ProviderRouting.From((await hedgeWins.WaitAsync(Wait)).AdditionalProperties)!.Provider);
        Assert.True((await slowToken.Task).IsCancellationRequested);

        // The slow provider sends its first content after the hedge started, before the hedge does: it wins, and the
        // hedge is cancelled.
        var (hedgeStarted, hedgeToken) = (new TaskCompletionSource(), new TaskCompletionSource<CancellationToken>());
        var late = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => ContentAfter(TimeSpan.FromMilliseconds(300), "late", token) };
        var hedge = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, token) =>
            {
                hedgeToken.TrySetResult(token);
                hedgeStarted.TrySetResult();
                return ContentAfter(TimeSpan.FromMinutes(5), "hedge", token);
            },
        };
        client = Client(Hedger(), ("a", late), ("b", hedge));
        var slowWins = FirstUpdateAsync(client);
        await FakeTime.WaitUntilAsync(() => late.Calls == 1);
        _time.Advance(Delay);
        await hedgeStarted.Task.WaitAsync(Wait);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var routing = ProviderRouting.From((await slowWins.WaitAsync(Wait)).AdditionalProperties)!;
        Assert.Equal(("a", true), (routing.Provider, routing.Hedged));
        Assert.True((await hedgeToken.Task).IsCancellationRequested);
    }

    [Fact]
    public async Task AFirstAttemptFailingWhileTheHedgeRuns_LeavesTheHedgeToAnswer()
    {
        var fail = new TaskCompletionSource();
        var answer = new TaskCompletionSource();
        var primary = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => ThrowAfter(fail.Task) };
        var hedge = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => ContentWhen(answer.Task, "hedge") };
        var client = Client(Hedger(), ("a", primary), ("b", hedge));

        var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
        await FakeTime.WaitUntilAsync(() => primary.Calls == 1);
        _time.Advance(Delay);
        await FakeTime.WaitUntilAsync(() => hedge.Calls == 1);
        fail.SetResult();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        answer.SetResult();

        var routing = ProviderRouting.From((await pending.WaitAsync(Wait))[0].AdditionalProperties)!;
        Assert.Equal(("b", true), (routing.Provider, routing.Hedged));
        Assert.Equal("HTTP 503 (ServiceUnavailable)", Assert.Single(routing.Failures).Error);
    }

    [Fact]
    public async Task ANonStreamingRequest_IsRacedOnItsFirstToken_ThroughTheStreamedResponseLayer()
    {
        var slowToken = new TaskCompletionSource<CancellationToken>();
        var slow = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, token) =>
            {
                slowToken.TrySetResult(token);
                return ContentAfter(TimeSpan.FromSeconds(2), "slow", token);
            },
        };
        var client = Client(Hedger(), ("a", Streamed(slow)), ("b", Streamed(TestChatClient.Answering("fast answer"))));

        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => slow.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, pending, Delay);

        var response = await pending;
        Assert.Equal("fastanswer", response.Text);
        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal(("b", true, false), (routing.Provider, routing.Hedged, routing.FailoverOccurred));
        Assert.True((await slowToken.Task).IsCancellationRequested);
    }

    [Fact]
    public async Task ANonStreamingWinnerBreakingMidAnswer_IsAnsweredByTheLoserTriedAgain()
    {
        var firstToken = new TaskCompletionSource<CancellationToken>();
        var slow = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, token) => firstToken.TrySetResult(token)
                ? ContentAfter(TimeSpan.FromSeconds(2), "slow", token)
                : TestChatClient.Updates(["second", "try"]),
        };
        var breakNow = new TaskCompletionSource();
        var breaking = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => HalfThenBreak(breakNow.Task) };
        var client = Client(Hedger(), ("a", Streamed(slow)), ("b", Streamed(breaking)));

        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => slow.Calls == 1);
        _time.Advance(Delay);

        // The hedge's first content decides the race: the slow attempt is cancelled before the hedge breaks.
        var slowToken = await firstToken.Task;
        await FakeTime.WaitUntilAsync(() => slowToken.IsCancellationRequested);
        breakNow.SetResult();

        var response = await pending.WaitAsync(Wait);
        Assert.Equal("secondtry", response.Text);
        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal(("a", true), (routing.Provider, routing.Hedged));
        Assert.Equal("b", Assert.Single(routing.Failures).Provider);
        Assert.Equal(2, slow.Calls);
    }

    [Fact]
    public async Task AHedgeLosersCancellation_IsNoVerdict_ItsCircuitStaysClosed()
    {
        var breakerA = new CircuitBreaker("a", new CircuitBreakerOptions(), _time);
        var breakerB = new CircuitBreaker("b", new CircuitBreakerOptions(), _time);
        var ended = 0;
        var slow = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => CountEnd(ContentAfter(TimeSpan.FromMinutes(5), "slow", token), () => Interlocked.Increment(ref ended)) };
        var health = new ProviderHealthUpdater([breakerA, breakerB], _time);
        var client = new ProviderFailoverChatClient(
            [Guarded("a", slow, breakerA), Guarded("b", TestChatClient.Answering("fast"), breakerB)],
            health,
            TimeSpan.FromMinutes(1),
            _time,
            hedger: Hedger());

        for (var i = 0; i < 10; i++)
        {
            var pending = client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask();
            await FakeTime.WaitUntilAsync(() => slow.Calls == i + 1);
            _time.Advance(Delay);
            Assert.Equal("b", ProviderRouting.From((await pending.WaitAsync(Wait))[0].AdditionalProperties)!.Provider);
        }

        // Ten attempts cancelled by the gateway, three times the failure threshold: no failure, and, with every one of
        // them ended, no stall even once the slow-call threshold has passed.
        await FakeTime.WaitUntilAsync(() => Volatile.Read(ref ended) == 10);
        _time.Advance(TimeSpan.FromSeconds(5));
        var snapshot = breakerA.GetSnapshot();
        Assert.Equal(CircuitState.Closed, snapshot.State);
        Assert.Equal((0, 0L, false), (snapshot.ConsecutiveFailures, snapshot.Failures, snapshot.Stalled));
        Assert.True(breakerA.WouldPermit());
        Assert.Equal(10, breakerB.GetSnapshot().Successes);
    }

    [Fact]
    public async Task TheBudget_CapsHedgesAtItsShareOfTheRequestsInEachMinute_Over1000Requests()
    {
        var slow = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => ContentAfter(TimeSpan.FromSeconds(2), "slow", token) };
        var fast = TestChatClient.Answering("fast");
        var client = Client(Hedger(budgetPercent: 10), ("a", slow), ("b", fast));

        for (var minute = 1; minute <= 2; minute++)
        {
            // 1,000 requests at once, every one of them slow past the delay: the budget allows 100 of them a hedge.
            var requests = Enumerable.Range(0, 1000).Select(_ => FirstUpdateAsync(client)).ToArray();
            await FakeTime.WaitUntilAsync(() => slow.Calls == 1000 * minute);
            _time.Advance(Delay);
            await FakeTime.WaitUntilAsync(() => fast.Calls >= 100 * minute);

            // Every hedge has won its race (the fast provider answers at once) before the slow ones may answer.
            await FakeTime.WaitUntilAsync(() => requests.Count(r => r.IsCompleted) >= 100);
            _time.Advance(TimeSpan.FromSeconds(2));
            var routings = (await Task.WhenAll(requests).WaitAsync(Wait)).Select(u => ProviderRouting.From(u.AdditionalProperties)!).ToArray();

            Assert.Equal(100, routings.Count(r => r.Hedged));
            Assert.Equal(100, routings.Count(r => r.Provider == "b"));
            Assert.Equal(100 * minute, fast.Calls);
            _time.Advance(HedgeBudget.Window); // the next minute's window starts empty
        }

        Assert.Equal(200, Hedges());
    }

    [Fact]
    public async Task AHedge_IsASpan_AndAMeasurement_TaggedWithBothProvidersAndItsOutcome()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTelemetry.MeterName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var meterListener = new MeterListener();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var telemetry = new GatewayTelemetry(factory);
        meterListener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "sentinel.gateway.hedges" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((_, value, tags, _) => { lock (measurements) { measurements.Add((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))); } });
        meterListener.Start();

        var slow = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, token) => ContentAfter(TimeSpan.FromSeconds(2), "slow", token) };
        using var parent = new Activity("request").Start();
        var client = Client(Hedger(telemetry: telemetry), ("a", slow), ("b", TestChatClient.Answering("fast")));
        var pending = FirstUpdateAsync(client);
        await FakeTime.WaitUntilAsync(() => slow.Calls == 1);
        _time.Advance(Delay);
        await pending.WaitAsync(Wait);

        var span = Assert.Single(spans, s => s.TraceId == parent.TraceId);
        Assert.Equal("sentinel.hedge", span.OperationName);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(("b", "a", "won"), (span.GetTagItem("sentinel.hedge.provider"), span.GetTagItem("sentinel.hedge.for"), span.GetTagItem("sentinel.hedge.outcome")));
        Assert.Equal(200.0, span.GetTagItem("sentinel.hedge.delay_ms"));
        Assert.Same(parent, Activity.Current);
        var measurement = Assert.Single(measurements);
        Assert.Equal((1L, "a", "b", "won"), (measurement.Value, measurement.Tags["from"], measurement.Tags["to"], measurement.Tags["outcome"]));
    }

    [Fact]
    public void TheDelay_IsTheProvidersLearntP95_FlooredAtMinDelay_OrTheInitialDelayBeforeAnythingIsLearnt()
    {
        var hedger = new ProviderHedger(new HedgingOptions { Enabled = true }, hedgesNonStreaming: true, _time, Recorder(_time, _counters));
        var breaker = new CircuitBreaker("a", new CircuitBreakerOptions(), _time);
        var provider = new ProviderClient(new ProviderOptions { Name = "a" }, TestChatClient.Answering("x"), breaker);
        Assert.Equal(HedgingOptions.DefaultInitialDelay, hedger.DelayFor(provider));

        // The first call is not learnt (warm-up), then 1..16 × 100 ms: p95 of the 16 lies between the slowest two.
        for (var i = 0; i <= 16; i++)
        {
            breaker.TryEnter(out var permit);
            _time.Advance(TimeSpan.FromMilliseconds(100 * Math.Max(i, 1)));
            breaker.RecordFirstToken(permit);
            breaker.RecordSuccess(permit, TimeSpan.Zero);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(1525), hedger.DelayFor(provider));
        Assert.Equal(TimeSpan.FromMilliseconds(1525), breaker.TimeToFirstTokenP95);

        var fastBreaker = new CircuitBreaker("f", new CircuitBreakerOptions(), _time);
        for (var i = 0; i < 3; i++)
        {
            fastBreaker.TryEnter(out var permit);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            fastBreaker.RecordFirstToken(permit);
            fastBreaker.RecordSuccess(permit, TimeSpan.Zero);
        }

        Assert.Equal(HedgingOptions.DefaultMinDelay, hedger.DelayFor(provider with { Breaker = fastBreaker }));
        var configured = new ProviderHedger(new HedgingOptions { Enabled = true, Delay = Delay }, hedgesNonStreaming: true, _time, Recorder(_time, _counters));
        Assert.Equal(Delay, configured.DelayFor(provider));
    }

    private ProviderHedger Hedger(double budgetPercent = 100, GatewayTelemetry? telemetry = null) =>
        new(new HedgingOptions { Enabled = true, Delay = Delay, BudgetPercent = budgetPercent }, hedgesNonStreaming: true, _time, Recorder(_time, _counters, telemetry));

    private static RequestOutcomeRecorder Recorder(TimeProvider time, RequestCounters counters, GatewayTelemetry? telemetry = null) => new(
        counters,
        new TrafficShare(["primary", "fallback"], TimeSpan.FromMinutes(1), time),
        telemetry ?? new GatewayTelemetry(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
        new RecordingEventSink(),
        time,
        Options.Create(new GatewayEventsOptions()));

    private long Hedges() => _counters.Peek().FirstOrDefault(c => c.Key == RequestMetricsFields.TotalHedged).Value;

    private ProviderFailoverChatClient Client(ProviderHedger hedger, params (string Name, IChatClient Client)[] providers)
    {
        ProviderClient[] clients = [.. providers.Select(p => new ProviderClient(new ProviderOptions { Name = p.Name }, p.Client, new CircuitBreaker(p.Name, new CircuitBreakerOptions(), _time)))];
        return new(clients, TestHealth.Of(clients, _time), TimeSpan.FromMinutes(1), _time, hedger: hedger);
    }

    private ProviderClient Guarded(string name, IChatClient inner, CircuitBreaker breaker) => TestProviders.Guarded(name, inner, breaker, _time);

    private StreamedResponseChatClient Streamed(IChatClient inner) => new(inner, new AttemptTimeoutOptions(), _time);

    private static async Task<ChatResponseUpdate> FirstUpdateAsync(IChatClient client)
    {
        await using var stream = client.GetStreamingResponseAsync(Prompt).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        return stream.Current;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> ContentAfter(TimeSpan wait, string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant };
        await Task.Delay(wait, _time, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, text);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> CountEnd(IAsyncEnumerable<ChatResponseUpdate> updates, Action ended)
    {
        try
        {
            await foreach (var update in updates)
            {
                yield return update;
            }
        }
        finally
        {
            ended();
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> ContentWhen(Task gate, string text)
    {
        await gate;
        yield return new ChatResponseUpdate(ChatRole.Assistant, text);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> HalfThenBreak(Task gate)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "half");
        await gate;
        throw new HttpRequestException("reset", new IOException());
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> ThrowAfter(Task gate)
    {
        await gate;
        throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable);
#pragma warning disable CS0162 // The yield makes this an iterator.
        yield break;
#pragma warning restore CS0162
    }
}
